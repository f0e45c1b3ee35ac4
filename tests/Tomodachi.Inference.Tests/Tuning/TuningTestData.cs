using Google.Protobuf.WellKnownTypes;
using Tomodachi.Inference.V1;
using static Tomodachi.Inference.Tests.Journal.JournalTestData;

namespace Tomodachi.Inference.Tests.Tuning;

internal static class TuningTestData
{
    /// <summary>A turn with the measured figures the tuning analyses read; started <paramref name="index"/> minutes after <paramref name="day"/>.</summary>
    public static V1.Turn Measured(
        string id,
        int index = 0,
        uint completionTokens = 50,
        double tokensPerSecond = 20,
        double latencyMs = 1_000,
        string persona = "tomodachi",
        string model = "model-a",
        DateTimeOffset? day = null,
        bool demo = false,
        StopReason stop = StopReason.EndOfGeneration,
        string session = "s1")
    {
        var turn = Turn(id, session, (day ?? Epoch).AddMinutes(index));
        turn.Stats.CompletionTokens = completionTokens;
        turn.Stats.GenerationTokensPerSecond = tokensPerSecond;
        turn.Stats.TotalLatencyMs = latencyMs;
        turn.Stats.Persona = persona;
        turn.Stats.ModelId = model;
        turn.Stats.Demo = demo;
        turn.Stats.StopReason = stop;
        return turn;
    }

    public static Timestamp At(DateTimeOffset at) => Timestamp.FromDateTimeOffset(at);
}
