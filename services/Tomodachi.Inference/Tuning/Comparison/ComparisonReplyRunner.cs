using LLama.Native;
using Tomodachi.Inference.Generation;
using Tomodachi.Inference.Grpc;
using Tomodachi.Inference.Models;
using Tomodachi.Tuning.V1;

namespace Tomodachi.Inference.Tuning.Comparison;

/// <summary>
/// Generates one reply of a comparison through the same batch decoder as chats, in a slot the caller holds, and
/// measures it like a chat turn: tokens from the sampler over the model's tokenizer, times from monotonic clocks.
/// </summary>
public sealed class ComparisonReplyRunner(TimeProvider time)
{
    /// <summary>Greedy decoding: the most likely token every time, so the two sides differ only by the adapter.</summary>
    public static readonly SamplingSettings Greedy = new(Temperature: 0, TopP: 1, TopK: 1, RepeatPenalty: 1, Seed: 0);

    public async Task<ComparisonReply> RunAsync(
        LoadedModel model, int slot, IReadOnlyList<LLamaToken> prompt, int maxTokens, ComparisonAdapter? adapter, float adapterScale,
        CancellationToken ct)
    {
        var contextLimit = (int)model.Description.ContextLength;
        var request = new GenerationRequest(slot, prompt, Greedy, Math.Min(maxTokens, contextLimit - prompt.Count), contextLimit,
            Adapter: adapter?.Adapter, AdapterScale: adapterScale);
        var started = time.GetTimestamp();
        var result = await model.Engine.GenerateAsync(request, static (_, _) => ValueTask.CompletedTask, ct);
        var latency = time.GetElapsedTime(started);
        return new ComparisonReply
        {
            Text = result.Text,
            PromptTokens = (uint)prompt.Count,
            CompletionTokens = (uint)result.CompletionTokens,
            TimeToFirstTokenMs = result.FirstTokenAt is { } first ? time.GetElapsedTime(started, first).TotalMilliseconds : 0,
            LatencyMs = latency.TotalMilliseconds,
            GenerationTokensPerSecond = result.GenerationTokensPerSecond(time),
            StopReason = result.Stop.ToProto(),
        };
    }
}
