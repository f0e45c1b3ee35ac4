using System.Diagnostics;
using System.Diagnostics.Metrics;
using Tomodachi.Inference.Extensions;
using Tomodachi.Inference.Generation;
using Tomodachi.Inference.Models;
using Tomodachi.Inference.V1;

namespace Tomodachi.Inference.Telemetry;

/// <summary>
/// The service's instruments, named after the OpenTelemetry GenAI semantic conventions. They are fed from the same
/// <see cref="TurnStats"/> the client receives, so the dashboard and the chat never disagree. Labels carry no text
/// and no session ids.
/// </summary>
public sealed class InferenceMetrics
{
    // Bucket boundaries recommended by the GenAI semantic conventions.
    private static readonly double[] DurationBuckets = [0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64, 1.28, 2.56, 5.12, 10.24, 20.48, 40.96, 81.92];
    private static readonly double[] TimeToFirstTokenBuckets = [0.001, 0.005, 0.01, 0.02, 0.04, 0.06, 0.08, 0.1, 0.25, 0.5, 0.75, 1.0, 2.5, 5.0, 7.5, 10.0];
    private static readonly double[] TimePerOutputTokenBuckets = [0.01, 0.025, 0.05, 0.075, 0.1, 0.15, 0.2, 0.3, 0.4, 0.5, 0.75, 1.0, 2.5];
    private static readonly long[] TokenBuckets = [1, 4, 16, 64, 256, 1024, 4096, 16384, 65536, 262144, 1048576, 4194304, 16777216, 67108864];
    private static readonly double[] TokensPerSecondBuckets = [1, 2, 5, 10, 20, 35, 50, 75, 100, 150, 200, 300, 500, 1000, 2000];

    private readonly Histogram<double> _requestDuration;
    private readonly Histogram<double> _timeToFirstToken;
    private readonly Histogram<double> _timePerOutputToken;
    private readonly Histogram<long> _tokenUsage;
    private readonly Histogram<double> _tokensPerSecond;

    public InferenceMetrics(IMeterFactory meterFactory, SlotGate slots, IModelManager models)
    {
        var meter = meterFactory.Create(InferenceExtensions.TelemetrySourceName);
        _requestDuration = meter.CreateHistogram<double>("gen_ai.server.request.duration", "s",
            "Time from receiving a chat to its final stats message.", advice: new() { HistogramBucketBoundaries = DurationBuckets });
        _timeToFirstToken = meter.CreateHistogram<double>("gen_ai.server.time_to_first_token", "s",
            "Time from receiving a chat to its first reply token.", advice: new() { HistogramBucketBoundaries = TimeToFirstTokenBuckets });
        _timePerOutputToken = meter.CreateHistogram<double>("gen_ai.server.time_per_output_token", "s",
            "Time per reply token after the first.", advice: new() { HistogramBucketBoundaries = TimePerOutputTokenBuckets });
        _tokenUsage = meter.CreateHistogram<long>("gen_ai.client.token.usage", "{token}",
            "Prompt (input) and reply (output) tokens per chat.", advice: new() { HistogramBucketBoundaries = TokenBuckets });
        _tokensPerSecond = meter.CreateHistogram<double>("tomodachi.inference.generation.tokens_per_second", "{token}/s",
            "Reply tokens per second of generation.", advice: new() { HistogramBucketBoundaries = TokensPerSecondBuckets });
        meter.CreateObservableGauge("tomodachi.inference.queue.depth", () => slots.QueueDepth, "{chat}", "Chats waiting for a slot.");
        meter.CreateObservableGauge("tomodachi.inference.slots.busy", () => slots.BusySlots, "{slot}", "Slots generating now.");
        meter.CreateObservableGauge("tomodachi.inference.model.loaded", () => models.Describe().Loaded ? 1 : 0, "{model}",
            "1 while the model's weights are in memory.");
    }

    /// <summary>
    /// Records one finished turn. The orchestrator's tokens go under their own operation, so the chat operation's
    /// token usage equals the replies' stats.
    /// </summary>
    public void Record(TurnStats stats)
    {
        var tags = Tags("chat", stats);
        _requestDuration.Record(stats.TotalLatencyMs / 1000, tags);
        if (stats.CompletionTokens > 0)
        {
            _timeToFirstToken.Record(stats.TimeToFirstTokenMs / 1000, tags);
        }

        if (stats.CompletionTokens > 1)
        {
            _timePerOutputToken.Record(stats.GenerationMs / 1000 / (stats.CompletionTokens - 1), tags);
            _tokensPerSecond.Record(stats.GenerationTokensPerSecond, tags);
        }

        RecordTokens(tags, stats.PromptTokens, stats.CompletionTokens);
        if (stats.OrchestratorPromptTokens > 0)
        {
            RecordTokens(Tags("orchestrate", stats), stats.OrchestratorPromptTokens, stats.OrchestratorCompletionTokens);
        }
    }

    private static TagList Tags(string operation, TurnStats stats) => new()
    {
        { "gen_ai.operation.name", operation },
        { "gen_ai.request.model", stats.ModelId },
        { "persona", stats.Persona },
        { "adapter", stats.Adapter },
    };

    private void RecordTokens(TagList tags, uint input, uint output)
    {
        var inputTags = tags;
        inputTags.Add("gen_ai.token.type", "input");
        _tokenUsage.Record(input, inputTags);
        var outputTags = tags;
        outputTags.Add("gen_ai.token.type", "output");
        _tokenUsage.Record(output, outputTags);
    }
}
