using Grpc.Core;
using Tomodachi.Inference.Tests.Infrastructure;
using Tomodachi.Inference.V1;
using Tomodachi.Tuning.V1;

namespace Tomodachi.Inference.Tests.Tuning;

internal static class ComparisonTestData
{
    public static readonly string[] Prompts = ["hello friend, how are you?", "tell me about your day", "what should I cook tonight?"];

    /// <summary>Writes a prompt suite with comments and blank lines around <paramref name="prompts"/>.</summary>
    public static string WriteSuite(params string[] prompts)
    {
        var path = TestModels.ScratchPath("suite.txt");
        File.WriteAllLines(path, ["# a test suite", "", .. prompts.SelectMany(p => new[] { p, "" })]);
        return path;
    }

    /// <summary>Reads a whole CompareAdapter stream, bounded in messages.</summary>
    public static async Task<List<CompareAdapterResponse>> CompareToEndAsync(this TuningService.TuningServiceClient client, CompareAdapterRequest request)
    {
        using var call = client.CompareAdapter(request, deadline: DateTime.UtcNow.AddMinutes(3));
        return await call.ResponseStream.ToListAsync(1_000);
    }

    public static async Task<RpcException> CompareFailsAsync(this TuningService.TuningServiceClient client, CompareAdapterRequest request) =>
        await Assert.ThrowsAsync<RpcException>(() => client.CompareToEndAsync(request));

    /// <summary>A chat decoded like a comparison reply: greedy, no repeat penalty.</summary>
    /// <summary>A greedy chat in a conversation of its own, so its prompt is the persona and the message only.</summary>
    public static ChatRequest GreedyChat(string message, string persona, uint maxTokens)
    {
        var request = ChatExtensions.Request(message, maxTokens, persona, session: $"compare-{Guid.NewGuid():N}");
        request.Sampling = new Sampling { Temperature = 0, TopK = 1, TopP = 1, RepeatPenalty = 1, Seed = 0 };
        return request;
    }
}
