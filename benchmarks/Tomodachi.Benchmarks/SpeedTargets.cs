using System.Diagnostics;
using static Tomodachi.Benchmarks.ChatProbe;

namespace Tomodachi.Benchmarks;

/// <summary>
/// The speed targets, measured as alternating pairs in one run — a chat through the gateway, then the bare loop on the
/// same model with the same prompt length (the order flips every pair, so a drift of the machine hits both sides) —
/// and printed as one line per target: the median ratio, its spread over the pairs, and met, missed, or no measurable
/// difference when the target lies inside the spread.
/// </summary>
public static class SpeedTargets
{
    /// <summary>The service's default (appsettings.json): what a user gets.</summary>
    private static readonly TimeSpan FlushInterval = TimeSpan.FromMilliseconds(50);

    public static async Task RunAsync(BenchmarkModel model, int pairs, TextWriter output, CancellationToken cancellationToken)
    {
        using var services = await GatewayedInference.StartAsync(model.Path, FlushInterval, cancellationToken);
        using var one = BareLoop.Open(model.Path);
        using var four = BareLoop.Open(model.Path, sequences: 4);
        var gateway = services.ThroughGateway;
        // Unmeasured: JIT on both sides until it settles, and the first touch of the weights. The bare loop decodes a
        // prompt as long as the chat's whole prompt, so both generate at the same positions (attention grows with them).
        await SettleAsync(gateway, "targets", cancellationToken);
        var promptTokens = (int)(await ChatAsync(gateway, "targets-warmup", cancellationToken)).Stats.PromptTokens;
        one.Run(promptTokens, GeneratedTokens, 0);
        four.Run(promptTokens, GeneratedTokens, 0);

        var longPromptTokens = Evaluated(await ChatAsync(gateway, LongPrompt(-1), cancellationToken));
        var cpu = new ChatCpu(services.ProcessIds);
        var generation = new List<double>();
        var prompt = new List<double>();
        var batching = new List<double>();
        for (var pair = 0; pair < pairs; pair++)
        {
            var serviceFirst = pair % 2 == 0;
            var seed = (uint)pair + 1;
            var bareBefore = serviceFirst ? null : one.Run(promptTokens, GeneratedTokens, seed);
            var chat = await cpu.MeasureAsync(() => ChatAsync(gateway, $"targets-{pair}", cancellationToken));
            var bare = bareBefore ?? one.Run(promptTokens, GeneratedTokens, seed);
            generation.Add(chat.ClientTokensPerSecond / bare.Generation);

            // Prompt speed wants a prompt of some length: a long message of its own, only the persona's prefix cached.
            var barePromptBefore = serviceFirst ? (double?)null : one.Run(longPromptTokens, 1, seed).Prompt;
            var longChat = await ChatAsync(gateway, LongPrompt(pair), cancellationToken);
            longPromptTokens = Evaluated(longChat);
            prompt.Add(longChat.Stats.PromptTokensPerSecond / (barePromptBefore ?? one.Run(longPromptTokens, 1, seed).Prompt));

            var bareSpeedUpBefore = serviceFirst ? (double?)null : SpeedUp(one, four, promptTokens, seed);
            var serviceSpeedUp = await ServiceSpeedUpAsync(gateway, pair, cancellationToken);
            var bareSpeedUp = bareSpeedUpBefore ?? SpeedUp(one, four, promptTokens, seed);
            batching.Add(serviceSpeedUp / bareSpeedUp);
        }

        output.WriteLine($"targets ({pairs} alternating pairs, StreamFlushInterval={FlushInterval.TotalMilliseconds:0} ms, through the gateway):");
        output.WriteLine(Line($"one chat: generation t/s at the client vs the bare loop (from position {promptTokens})", generation, 0.95));
        output.WriteLine(cpu.Report());
        output.WriteLine(Line($"one chat: prompt t/s ({longPromptTokens} evaluated tokens) vs the bare loop on as many", prompt, 0.90));
        output.WriteLine(Line($"four chats: generation speed-up over one chat vs the bare loop's 4-sequence speed-up (from position {promptTokens})", batching, 0.90));
    }

    /// <summary>A message of about 200 tokens (a chat here holds 512) that no earlier turn shares, answered with one token.</summary>
    private static Tomodachi.Inference.V1.ChatRequest LongPrompt(int pair) => new()
    {
        SessionId = $"targets-prompt-{pair}",
        Message = $"Day {pair + 2} of the voyage. " + string.Concat(Enumerable.Range(0, 5).Select(i =>
            $"On the {i + 1}th morning the fox checked the ropes, counted {pair + i + 3} gulls and wrote about the weather. ")),
        MaxTokens = 1,
        Sampling = new Tomodachi.Inference.V1.Sampling { Seed = 7 },
    };

    /// <summary>Prompt tokens the service decoded for the turn (the rest came from its KV cache).</summary>
    private static int Evaluated(ChatSample chat) => (int)(chat.Stats.PromptTokens - chat.Stats.CachedPromptTokens);

    /// <summary>The bare loop's generation speed with four sequences over one: llama.cpp's own batching gain here.</summary>
    private static double SpeedUp(BareLoop one, BareLoop four, int promptTokens, uint seed) =>
        four.Run(promptTokens, GeneratedTokens, seed).Generation / one.Run(promptTokens, GeneratedTokens, seed).Generation;

    /// <summary>
    /// Four chats at once over one chat, on the same basis as the bare loop's: while tokens stream (each chat's prompt
    /// comes from its slot's cache, so whole turns would set cached prompts against decoded ones).
    /// </summary>
    private static async Task<double> ServiceSpeedUpAsync(
        Tomodachi.Inference.V1.InferenceService.InferenceServiceClient gateway, int pair, CancellationToken cancellationToken)
    {
        var single = await ChatAsync(gateway, $"batch-one-{pair}", cancellationToken);
        var four = await FourChatsAsync(gateway, $"batch-four-{pair}", cancellationToken);
        return four.Generation / single.ClientTokensPerSecond;
    }

    /// <summary>One target's summary line: median ratio, spread, and met / not met / no measurable difference.</summary>
    public static string Line(string target, IReadOnlyList<double> ratios, double goal)
    {
        var (median, low, high) = (Median(ratios), ratios.Min(), ratios.Max());
        var verdict = goal >= low && goal <= high
            ? $"no measurable difference from the target (spread {low:P1}–{high:P1})"
            : median >= goal ? "met" : "not met";
        return $"  TARGET {target} ≥ {goal:P0}: {median:P1} (median; spread {low:P1}–{high:P1}) — {verdict}";
    }
}
