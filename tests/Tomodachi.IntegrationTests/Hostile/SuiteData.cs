using Grpc.Net.Client;
using Tomodachi.Inference.V1;
using Tomodachi.Knob.V1;
using Tomodachi.Memory.V1;
using Tomodachi.Tuning.V1;

namespace Tomodachi.IntegrationTests.Hostile;

/// <summary>
/// What a rejected call must not change, read through the gateway: the memory store's count and newest memory, the
/// turn journal, the seeded turn's rating, the knob, and the loaded model.
/// </summary>
public sealed record SuiteData(
    ulong MemoryCount,
    string NewestMemory,
    int JournaledTurns,
    string NewestTurn,
    Rating SeedRating,
    string Knob,
    string Model)
{
    public static async Task<SuiteData> ReadAsync(GrpcChannel channel, SweepSeed seed, CancellationToken ct)
    {
        var stats = (await new MemoryService.MemoryServiceClient(channel).GetStatsAsync(new GetStatsRequest(), cancellationToken: ct)).Stats;
        var turns = await new InferenceService.InferenceServiceClient(channel).ListTurnsAsync(new ListTurnsRequest { PageSize = 500 }, cancellationToken: ct);
        var ratings = await new TuningService.TuningServiceClient(channel).GetRatingsAsync(new GetRatingsRequest { TurnIds = { seed.TurnId } }, cancellationToken: ct);
        var knob = (await new KnobService.KnobServiceClient(channel).GetStateAsync(new GetStateRequest(), cancellationToken: ct)).State;
        var model = (await new InferenceService.InferenceServiceClient(channel).GetModelAsync(new GetModelRequest(), cancellationToken: ct)).Model;
        return new SuiteData(
            stats.Count,
            stats.Newest?.ToString() ?? "none",
            turns.Turns.Count,
            turns.Turns.FirstOrDefault()?.Stats.TurnId ?? "none",
            ratings.Ratings.GetValueOrDefault(seed.TurnId),
            $"pressed {knob.Pressed}, position {knob.Position}, event #{knob.LastEvent?.Sequence}",
            $"{model.Id} loaded {model.Loaded}");
    }
}
