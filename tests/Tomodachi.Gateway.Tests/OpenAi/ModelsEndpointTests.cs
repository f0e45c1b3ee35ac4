using System.Net;
using System.Text.Json;
using static Tomodachi.Gateway.Tests.OpenAi.OpenAiGateway;

namespace Tomodachi.Gateway.Tests.OpenAi;

/// <summary>GET /v1/models: the loaded model for plain chats, and one companion id per persona.</summary>
public sealed class ModelsEndpointTests
{
    [Fact]
    public async Task The_model_list_holds_the_models_id_and_a_companion_id_per_persona()
    {
        await using var gateway = await StartAsync(script => script.Personas.Add("poet"));

        var body = await JsonAsync(await gateway.Http.GetAsync("/v1/models"));

        Assert.Equal("list", body.GetProperty("object").GetString());
        Assert.Equal(["test-model", "tomodachi:tomodachi", "tomodachi:coach", "tomodachi:poet"],
            body.GetProperty("data").EnumerateArray().Select(m => m.GetProperty("id").GetString()));
        Assert.All(body.GetProperty("data").EnumerateArray(), m => Assert.Equal("model", m.GetProperty("object").GetString()));
    }

    [Fact]
    public async Task One_model_is_described_by_its_id_and_an_unknown_one_is_model_not_found()
    {
        await using var gateway = await StartAsync();

        using var known = await gateway.Http.GetAsync("/v1/models/tomodachi:coach");
        using var unknown = await gateway.Http.GetAsync("/v1/models/gpt-4o");

        Assert.Equal("tomodachi:coach", (await JsonAsync(known)).GetProperty("id").GetString());
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Equal("model_not_found", (await JsonAsync(unknown)).GetProperty("error").GetProperty("code").GetString());
    }
}
