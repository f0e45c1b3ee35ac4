using Google.Protobuf.WellKnownTypes;
using Tomodachi.Inference.V1;

namespace Tomodachi.Web.Tests;

/// <summary>Figures shaped like the inference service's, for rendering tests.</summary>
internal static class TestData
{
    public static TurnStats Turn(string id = "t1", double latencyMs = 1234, uint completionTokens = 42, double tokensPerSecond = 17.46) => new()
    {
        TurnId = id,
        SessionId = "web-test",
        PromptTokens = 31,
        CompletionTokens = completionTokens,
        TimeToFirstTokenMs = 210.5,
        OrchestratorMs = 12.25,
        RetrievalMs = 40,
        PromptEvalMs = 150,
        GenerationMs = 1020,
        TotalLatencyMs = latencyMs,
        GenerationTokensPerSecond = tokensPerSecond,
        PromptTokensPerSecond = 206.7,
        StopReason = StopReason.EndOfGeneration,
        ModelId = "demo",
        Persona = "friend",
        Demo = true,
        MemoryAvailable = true,
        MemoriesUsed = 2,
        StartedAt = Timestamp.FromDateTimeOffset(new DateTimeOffset(2026, 11, 28, 10, 0, 0, TimeSpan.Zero)),
        FinishedAt = Timestamp.FromDateTimeOffset(new DateTimeOffset(2026, 11, 28, 10, 0, 1, 234, TimeSpan.Zero)),
    };

    public static WatchStatusResponse Status(bool loaded = true, bool demo = false, ulong rssBytes = 300 * 1024 * 1024) => new()
    {
        Model = new ModelInfo
        {
            Id = demo ? "demo" : "stories260K",
            Architecture = "llama",
            ParameterCount = 136_000_000,
            Quantization = "Q8_0",
            Loaded = loaded,
            Demo = demo,
        },
        Memory = new ProcessMemory
        {
            RssBytes = rssBytes, ModelLoaded = loaded, Pid = 42,
            SampledAt = Timestamp.FromDateTimeOffset(new DateTimeOffset(2026, 11, 28, 10, 0, 5, TimeSpan.Zero)),
        },
        MessageCount = 7,
    };
}

/// <summary>Tuning figures shaped like the inference service's.</summary>
internal static class TuningData
{
    public static Tomodachi.Tuning.V1.ComparisonReport Report(string id = "cmp-1") => new()
    {
        ReportId = id,
        StartedAt = Timestamp.FromDateTimeOffset(new DateTimeOffset(2026, 11, 28, 9, 0, 0, TimeSpan.Zero)),
        FinishedAt = Timestamp.FromDateTimeOffset(new DateTimeOffset(2026, 11, 28, 9, 2, 0, TimeSpan.Zero)),
        ModelId = "stories260K",
        Persona = "coach",
        AdapterPath = "/models/coach-lora.gguf",
        AdapterScale = 1,
        PromptSuitePath = "prompts.txt",
        MaxTokens = 64,
        Base = Summary(Tomodachi.Tuning.V1.ComparisonVariant.Base, 40.5, 120, 900, 2_000 * 1024 * 1024UL, [12, 30]),
        Adapter = Summary(Tomodachi.Tuning.V1.ComparisonVariant.Adapter, 35.25, 140, 1100, 2_100 * 1024 * 1024UL, [20, 44]),
        Prompts =
        {
            Prompt("Say hi", "Hi there", 12, "Hello, champion", 20),
            Prompt("Give me a plan, \"today\"", "Rest.", 30, "Run 5 km,\nthen stretch.", 44),
        },
    };

    private static Tomodachi.Tuning.V1.VariantSummary Summary(
        Tomodachi.Tuning.V1.ComparisonVariant variant, double tokensPerSecond, double ttftMs, double latencyMs, ulong rss, uint[] tokens) => new()
    {
        Variant = variant,
        MeanGenerationTokensPerSecond = tokensPerSecond,
        MeanTimeToFirstTokenMs = ttftMs,
        MeanLatencyMs = latencyMs,
        P50LatencyMs = latencyMs - 50,
        P95LatencyMs = latencyMs + 200,
        RssBytes = rss,
        ReplyTokens = { tokens },
        MeanReplyTokens = tokens.Average(t => (double)t),
        MinReplyTokens = tokens.Min(),
        MaxReplyTokens = tokens.Max(),
    };

    private static Tomodachi.Tuning.V1.PromptComparison Prompt(string prompt, string baseText, uint baseTokens, string adapterText, uint adapterTokens) => new()
    {
        Prompt = prompt,
        Base = Reply(baseText, baseTokens),
        Adapter = Reply(adapterText, adapterTokens),
    };

    private static Tomodachi.Tuning.V1.ComparisonReply Reply(string text, uint tokens) => new()
    {
        Text = text,
        PromptTokens = 9,
        CompletionTokens = tokens,
        TimeToFirstTokenMs = 110.5,
        LatencyMs = 800,
        GenerationTokensPerSecond = 38.25,
        StopReason = StopReason.EndOfGeneration,
    };

    public static Tomodachi.Tuning.V1.Finding ShortReplies() => new()
    {
        Kind = Tomodachi.Tuning.V1.FindingKind.RepliesTooShort,
        Severity = Tomodachi.Tuning.V1.Severity.Critical,
        Title = "Replies are too short: 4.2 tokens on average, 9 of 10 under 10",
        SuggestedAction = "Raise max_tokens or retrain on longer replies.",
        Evidence = new Tomodachi.Tuning.V1.Evidence
        {
            Metric = "completion_tokens",
            Unit = "tokens",
            TurnsConsidered = 10,
            TurnsMatching = 9,
            Mean = 4.2,
            Stddev = 1.5,
            Threshold = 10,
            Observed = 4.2,
            MatchingFraction = 0.9,
            TurnIds = { "t1", "t2", "t3" },
            TurnIdsOmitted = 6,
        },
    };

    public static Tomodachi.Tuning.V1.Finding ThroughputDeclining() => new()
    {
        Kind = Tomodachi.Tuning.V1.FindingKind.ThroughputDeclining,
        Severity = Tomodachi.Tuning.V1.Severity.Warning,
        Title = "Generation speed of demo fell 30% over 10 turns (40 to 28 tokens/s)",
        SuggestedAction = "Look for a leak or degradation.",
        Evidence = new Tomodachi.Tuning.V1.Evidence
        {
            Metric = "generation_tokens_per_second",
            Unit = "tokens/s",
            TurnsConsidered = 10,
            TurnsMatching = 10,
            Mean = 34,
            Stddev = 4,
            Threshold = 0.25,
            Observed = 0.3,
            SlopePerTurn = -1.33,
            MatchingFraction = 1,
            ModelId = "demo",
            TurnIds = { "t1" },
        },
    };
}
