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
        Memory = new ProcessMemory { RssBytes = rssBytes, ModelLoaded = loaded, Pid = 42 },
        MessageCount = 7,
    };
}
