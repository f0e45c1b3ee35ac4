using Grpc.Net.Client;
using Tomodachi.Inference.V1;
using static Tomodachi.Benchmarks.ChatProbe;

namespace Tomodachi.Benchmarks;

/// <summary>
/// Time to first token across a conversation, through the gateway: ten turns in one session, the persona fixed and
/// the rules orchestrator (the model orchestrator's cost is reported apart by the speed benchmark). Each message is
/// about 120 tokens and each reply 48, so turn 10 carries some 1,500 tokens of history; with the slot's KV cache
/// kept, every turn should evaluate only its new message, and turn 10 should answer about as fast as turn 2.
/// </summary>
public static class ConversationBenchmark
{
    private const int Turns = 10;
    private const int MessageTokens = 120;
    private const int ReplyTokens = 48;
    private const double Target = 1.3;

    private static readonly string[] Sentences =
    [
        "The fox packed a small bag with bread, a map and a lantern before dawn.",
        "Waves rolled against the harbour wall while gulls argued over fish.",
        "An old sailor explained how the stars point the way across open water.",
        "The boat creaked and swayed, and the fox held the rope with both paws.",
        "By noon the island looked like a green thumb rising out of the sea.",
        "A storm gathered in the west, dark clouds stacking like wet wool.",
    ];

    public static async Task RunAsync(BenchmarkModel model, int repeats, TextWriter output, CancellationToken cancellationToken)
    {
        using var inference = BenchmarkServices.StartInference(model.Path, BenchmarkModel.Threads, "Rules", TimeSpan.FromMilliseconds(50),
            contextSize: 4096);
        using var gateway = BenchmarkServices.StartGateway(inference);
        using var channel = GrpcChannel.ForAddress(gateway.GrpcAddress);
        var client = new InferenceService.InferenceServiceClient(channel);
        await BenchmarkServices.WaitUntilLoadedAsync(inference, client, cancellationToken);
        await ChatAsync(client, "conversation-warmup", cancellationToken);

        var runs = new List<IReadOnlyList<TurnStats>>();
        for (var run = 0; run < repeats; run++)
        {
            var turns = new List<TurnStats>();
            for (var turn = 1; turn <= Turns; turn++)
            {
                var message = await MessageAsync(client, run, turn, cancellationToken);
                turns.Add(await TurnAsync(client, $"conversation-{run}", message, cancellationToken));
            }

            runs.Add(turns);
        }

        output.WriteLine($"conversation of {Turns} turns through the gateway (persona fixed, rules orchestrator, {MessageTokens}-token messages, " +
            $"{ReplyTokens}-token replies), median of {repeats} conversations:");
        output.WriteLine("  turn | prompt tokens | cached | evaluated | TTFT ms");
        for (var turn = 0; turn < Turns; turn++)
        {
            var at = runs.Select(r => r[turn]).ToList();
            output.WriteLine($"  {turn + 1,4} | {Median(at.Select(s => (double)s.PromptTokens)),13:0} | {Median(at.Select(s => (double)s.CachedPromptTokens)),6:0} | " +
                $"{Median(at.Select(s => (double)(s.PromptTokens - s.CachedPromptTokens))),9:0} | {Median(at.Select(s => s.TimeToFirstTokenMs)),7:0}");
        }

        var ratio = Median(runs.Select(r => r[Turns - 1].TimeToFirstTokenMs / r[1].TimeToFirstTokenMs));
        output.WriteLine($"TARGET turn {Turns} TTFT within {Target}x of turn 2: {ratio:0.00}x (median of per-conversation ratios) — " +
            (ratio <= Target ? "met" : "not met"));
    }

    /// <summary>Sentences appended until the model's tokenizer counts about <see cref="MessageTokens"/> tokens; different in every turn.</summary>
    private static async Task<string> MessageAsync(InferenceService.InferenceServiceClient client, int run, int turn, CancellationToken cancellationToken)
    {
        var message = $"Part {turn} of story {run}:";
        for (var i = 0; i < 100; i++)
        {
            var count = await client.CountTokensAsync(new CountTokensRequest { Text = message }, cancellationToken: cancellationToken);
            if (count.TokenCount >= MessageTokens)
            {
                break;
            }

            message += " " + Sentences[(turn * 7 + run + i) % Sentences.Length];
        }

        return message;
    }

    private static async Task<TurnStats> TurnAsync(
        InferenceService.InferenceServiceClient client, string session, string message, CancellationToken cancellationToken) =>
        (await ChatAsync(client, new ChatRequest
        {
            SessionId = session,
            Message = message,
            Persona = "tomodachi",
            MaxTokens = ReplyTokens,
            Sampling = new Sampling { Seed = 7 },
        }, cancellationToken)).Stats;
}
