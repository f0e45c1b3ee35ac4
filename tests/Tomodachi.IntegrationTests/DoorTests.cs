using System.Net;
using Aspire.Hosting;
using Aspire.Hosting.Testing;
using Grpc.Core;
using Grpc.Net.Client;
using Tomodachi.Inference.V1;
using Tomodachi.IntegrationTests.Infrastructure;

namespace Tomodachi.IntegrationTests;

/// <summary>
/// The suite's doors as a web page, another local program and a careless caller meet them: foreign Host names and
/// other sites' pages are refused on every route family, files outside the model folders are never loaded, and a
/// refused or failed request leaves the model serving.
/// </summary>
[Collection(SuiteCollection.Name)]
public sealed class DoorTests(SuiteFixture suite)
{
    private const string Foreign = "attacker.example:5173";
    private const string ConnectUnload = "/tomodachi.inference.v1.InferenceService/UnloadModel";

    private static CancellationToken Timeout => new CancellationTokenSource(TimeSpan.FromSeconds(60)).Token;

    private InferenceService.InferenceServiceClient Inference => new(suite.CreateGatewayChannel());

    /// <summary>One route of each family; only ones that change nothing, since the localhost half is answered.</summary>
    public static TheoryData<string, string, string?, bool> GatewayRoutes => new()
    {
        { "GET", "/", null, false },
        { "GET", "/_framework/blazor.web.js", null, false },
        { "GET", "/_blazor?id=abc", null, true },
        { "GET", "/export/turns.csv", null, false },
        { "GET", "/export/comparison.csv", null, false },
        { "GET", "/api/tuning/dataset.jsonl", null, false },
        { "GET", "/api/metrics", null, false },
        { "GET", "/api/model/memory", null, false },
        { "GET", "/metrics", null, false },
        { "GET", "/health", null, false },
        { "POST", "/tomodachi.inference.v1.InferenceService/GetModel", "application/proto", false },
        { "POST", "/tomodachi.memory.v1.MemoryService/GetStats", "application/json", false },
    };

    [Theory]
    [MemberData(nameof(GatewayRoutes))]
    public async Task A_foreign_Host_is_refused_on_every_route_family_while_localhost_is_served(string method, string path, string? contentType, bool webSocket)
    {
        var local = await RawHttp.SendAsync(suite.GatewayHttp, method, path, suite.GatewayHttp.Authority, Timeout, contentType: contentType, webSocket: webSocket);
        var foreign = await RawHttp.SendAsync(suite.GatewayHttp, method, path, Foreign, Timeout, contentType: contentType, webSocket: webSocket);
        var model = (await Inference.GetModelAsync(new GetModelRequest(), cancellationToken: Timeout)).Model;

        Assert.Equal(421, foreign);
        Assert.NotEqual(421, local);
        Assert.True(model.Loaded);
    }

    [Fact]
    public async Task A_grpc_call_under_a_foreign_authority_is_PermissionDenied_while_localhost_is_answered()
    {
        using var foreign = GrpcChannel.ForAddress($"http://attacker.example:{suite.GatewayGrpc.Port}",
            new GrpcChannelOptions { HttpHandler = new SocketsHttpHandler { ConnectCallback = ConnectTo(suite.GatewayGrpc) } });

        var refused = await Assert.ThrowsAsync<RpcException>(() =>
            new InferenceService.InferenceServiceClient(foreign).UnloadModelAsync(new UnloadModelRequest(), cancellationToken: Timeout).ResponseAsync);
        var model = (await Inference.GetModelAsync(new GetModelRequest(), cancellationToken: Timeout)).Model;

        Assert.Equal(StatusCode.PermissionDenied, refused.StatusCode);
        Assert.Contains("attacker.example", refused.Status.Detail);
        Assert.True(model.Loaded);
    }

    [Theory]
    [InlineData("inference")]
    [InlineData("memory")]
    [InlineData("web")]
    public async Task A_service_refuses_a_foreign_Host_on_its_own_port_too(string service)
    {
        var endpoint = suite.App.GetEndpoint(service, "http");

        var foreign = await RawHttp.SendAsync(endpoint, "GET", "/metrics", Foreign, Timeout);
        var local = await RawHttp.SendAsync(endpoint, "GET", "/metrics", endpoint.Authority, Timeout);

        Assert.Equal((421, 200), (foreign, local));
    }

    [Theory]
    [InlineData("http://attacker.example")]
    [InlineData("http://localhost:8080")]
    [InlineData("null")]
    public async Task A_cross_origin_post_is_refused_and_the_model_stays_loaded(string origin)
    {
        var host = suite.GatewayHttp.Authority;

        var unload = await RawHttp.SendAsync(suite.GatewayHttp, "POST", ConnectUnload, host, Timeout, origin, "application/proto");
        var socket = await RawHttp.SendAsync(suite.GatewayHttp, "GET", "/_blazor?id=abc", host, Timeout, origin, webSocket: true);
        var model = (await Inference.GetModelAsync(new GetModelRequest(), cancellationToken: Timeout)).Model;

        Assert.Equal((403, 403), (unload, socket));
        Assert.True(model.Loaded);
    }

    [Fact]
    public async Task An_export_is_served_to_the_pages_session_only()
    {
        using var handler = new HttpClientHandler { UseCookies = true };
        using var http = new HttpClient(handler) { BaseAddress = suite.GatewayHttp };

        var refused = await http.GetAsync("/export/turns.csv", Timeout);
        using var page = new HttpRequestMessage(HttpMethod.Get, "/");
        page.Headers.Accept.ParseAdd("text/html");
        (await http.SendAsync(page, Timeout)).EnsureSuccessStatusCode();
        var exported = await http.GetAsync("/export/turns.csv", Timeout);

        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Equal(HttpStatusCode.OK, exported.StatusCode);
        Assert.StartsWith("turn_id,", await exported.Content.ReadAsStringAsync(Timeout));
    }

    [Theory]
    [InlineData("/etc/passwd")]
    [InlineData("../../../../../../etc/passwd")]
    [InlineData("/proc/self/environ")]
    public async Task LoadModel_outside_the_model_folders_is_PermissionDenied_with_the_model_still_loaded(string path)
    {
        var before = (await Inference.GetModelAsync(new GetModelRequest(), cancellationToken: Timeout)).Model;

        var refused = await Assert.ThrowsAsync<RpcException>(() =>
            Inference.LoadModelAsync(new LoadModelRequest { Path = path }, cancellationToken: Timeout).ResponseAsync);
        var after = (await Inference.GetModelAsync(new GetModelRequest(), cancellationToken: Timeout)).Model;

        Assert.Equal(StatusCode.PermissionDenied, refused.StatusCode);
        Assert.Contains("outside the model folders", refused.Status.Detail);
        Assert.Equal((true, before.Id), (after.Loaded, after.Id));
    }

    [Fact]
    public async Task A_failed_load_of_a_valid_looking_broken_file_leaves_the_old_model_serving()
    {
        var before = (await Inference.GetModelAsync(new GetModelRequest(), cancellationToken: Timeout)).Model;
        var broken = Path.Combine(suite.ModelFolder, "broken.gguf");
        await File.WriteAllBytesAsync(broken, WidenEmbeddings(await File.ReadAllBytesAsync(before.Path, Timeout)), Timeout);

        var listed = (await Inference.ListModelsAsync(new ListModelsRequest(), cancellationToken: Timeout)).Models.Single(m => m.Name == "broken");
        var failed = await Assert.ThrowsAsync<RpcException>(() =>
            Inference.LoadModelAsync(new LoadModelRequest { Path = "broken" }, cancellationToken: Timeout).ResponseAsync);
        var after = (await Inference.GetModelAsync(new GetModelRequest(), cancellationToken: Timeout)).Model;
        using var chat = Inference.Chat(new ChatRequest { SessionId = "door-tests", Message = "still there?", MaxTokens = 2 }, cancellationToken: Timeout);
        ChatResponse? last = null;
        while (await chat.ResponseStream.MoveNext(Timeout))
        {
            last = chat.ResponseStream.Current;
        }

        Assert.Empty(listed.Error);
        Assert.Equal(StatusCode.FailedPrecondition, failed.StatusCode);
        Assert.Contains("llama.cpp could not load the model", failed.Status.Detail);
        Assert.Equal((true, before.Id, before.Path), (after.Loaded, after.Id, after.Path));
        Assert.Equal(before.Id, last?.Stats.ModelId);
    }

    [Fact]
    public async Task Prometheus_offers_web_pages_no_lifecycle_to_stop_it()
    {
        using var http = new HttpClient { BaseAddress = suite.Prometheus };

        var quit = await http.PostAsync("/-/quit", null, Timeout);
        var ready = await http.GetAsync("/-/ready", Timeout);

        Assert.NotEqual(HttpStatusCode.OK, quit.StatusCode);
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
    }

    /// <summary>
    /// The model's bytes with a header that says its embeddings are twice as wide as its tensors: a GGUF header, a
    /// supported architecture and every tensor inside the file, which llama.cpp then refuses to load.
    /// </summary>
    private static byte[] WidenEmbeddings(byte[] model)
    {
        var key = "llama.embedding_length"u8;
        var value = model.AsSpan().IndexOf(key) + key.Length + 4; // after the key, its value type (uint32)
        BitConverter.GetBytes(BitConverter.ToUInt32(model, value) * 2).CopyTo(model, value);
        return model;
    }

    /// <summary>Connects to <paramref name="endpoint"/> whatever name the request carries, as a rebound DNS name would.</summary>
    private static Func<SocketsHttpConnectionContext, CancellationToken, ValueTask<Stream>> ConnectTo(Uri endpoint) =>
        async (_, cancellationToken) =>
        {
            var socket = new System.Net.Sockets.Socket(System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Tcp);
            await socket.ConnectAsync(endpoint.Host, endpoint.Port, cancellationToken);
            return new System.Net.Sockets.NetworkStream(socket, ownsSocket: true);
        };
}
