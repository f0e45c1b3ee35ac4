using Grpc.Net.Client;
using Tomodachi.Inference.V1;
using Tomodachi.Web.Chat;
using Tomodachi.Web.Tests.Backends;

namespace Tomodachi.Web.Tests.Chat;

public sealed class ChatSessionTests : IAsyncLifetime
{
    private readonly ScriptedInferenceService inference = new();
    private GrpcTestHost? host;
    private GrpcChannel? channel;

    public async Task InitializeAsync()
    {
        host = await GrpcTestHost.StartAsync(inference);
        channel = GrpcChannel.ForAddress(host.Address);
    }

    public async Task DisposeAsync()
    {
        channel?.Dispose();
        await host!.DisposeAsync();
    }

    [Fact]
    public async Task Reply_grows_delta_by_delta_and_ends_with_the_servers_stats()
    {
        using var session = new ChatSession(new InferenceService.InferenceServiceClient(channel));
        var seen = new List<string>();
        session.Changed += () => seen.Add(session.Messages[^1].Text);

        await session.SendAsync("  Hi there  ", CancellationToken.None);

        Assert.Equal(["You", "Tomodachi"], session.Messages.Select(m => m.Role == ChatRole.User ? "You" : "Tomodachi"));
        Assert.Equal("Hi there", session.Messages[0].Text);
        Assert.Equal("Hello, camper!", session.Messages[1].Text);
        Assert.Contains("Hello", seen);
        Assert.Contains("Hello, camper", seen);
        Assert.Equal(3u, session.LastStats!.CompletionTokens);
        Assert.Same(session.LastStats, session.Messages[1].Stats);
        Assert.False(session.IsReplying);
    }

    [Fact]
    public async Task Request_carries_a_session_id_the_contract_accepts()
    {
        using var session = new ChatSession(new InferenceService.InferenceServiceClient(channel));

        await session.SendAsync("Hi", CancellationToken.None);

        var request = Assert.Single(inference.Requests);
        Assert.Equal(session.SessionId, request.SessionId);
        Assert.Matches("^[A-Za-z0-9._-]{1,64}$", request.SessionId);
    }

    [Fact]
    public async Task Blank_message_is_not_sent()
    {
        using var session = new ChatSession(new InferenceService.InferenceServiceClient(channel));

        await session.SendAsync("   ", CancellationToken.None);

        Assert.Empty(session.Messages);
        Assert.Empty(inference.Requests);
    }

    [Fact]
    public async Task Unreachable_service_becomes_an_error_line_not_an_exception()
    {
        using var closed = GrpcChannel.ForAddress("http://127.0.0.1:9");
        using var session = new ChatSession(new InferenceService.InferenceServiceClient(closed));

        await session.SendAsync("Hi", CancellationToken.None);

        Assert.StartsWith("Unavailable", session.Messages[1].Error);
        Assert.Null(session.LastStats);
        Assert.False(session.IsReplying);
    }
}
