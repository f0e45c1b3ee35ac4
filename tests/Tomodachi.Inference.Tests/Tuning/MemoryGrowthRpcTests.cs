using Tomodachi.Inference.Tests.Infrastructure;
using Tomodachi.Memory.V1;
using Tomodachi.Tuning.V1;

namespace Tomodachi.Inference.Tests.Tuning;

/// <summary>
/// The service as wired: its memory-stats sampler asks a memory service over real gRPC, and GetFindings judges
/// what it recorded. The sampler runs on the real clock here, once a second.
/// </summary>
public sealed class MemoryGrowthRpcTests : IAsyncLifetime
{
    private FakeMemoryServer _memory = null!;
    private InferenceApp _app = null!;

    public async Task InitializeAsync()
    {
        _memory = await FakeMemoryServer.StartAsync([]);
        _memory.Stats = new MemoryStats { Count = 0, SizeBytes = 0, Backend = "embedded" };
        _app = new InferenceApp(new Dictionary<string, string?>
        {
            ["services:memory:grpc:0"] = _memory.Address,
            ["Inference:Tuning:MemorySampleInterval"] = "00:00:01",
            ["Inference:Tuning:MinMemorySamples"] = "3",
        });
    }

    [Fact]
    public async Task Memories_stored_without_chats_become_a_finding_once_enough_samples_are_taken()
    {
        var before = await _app.Tuning.GetFindingsAsync(new GetFindingsRequest());
        Assert.Contains(before.UnavailableChecks, c => c.StartsWith("Memory growth (ingestion): ", StringComparison.Ordinal));

        // 500 memories appear while no turn is journaled: far beyond the 10 that 5 turns' worth would allow.
        await WaitForStatsCallsAsync(_memory.StatsCalls + 1);
        _memory.Stats = new MemoryStats { Count = 500, SizeBytes = 500 * 2048, Backend = "embedded" };
        await WaitForStatsCallsAsync(_memory.StatsCalls + 3);

        var after = await _app.Tuning.GetFindingsAsync(new GetFindingsRequest());
        var finding = Assert.Single(after.Findings, f => f.Kind == FindingKind.MemoryGrowingFast);
        Assert.Equal((500UL, 10.0, 2048.0), (finding.Evidence.MemoriesAdded, finding.Evidence.ExpectedMemories, finding.Evidence.BytesPerMemory));
        Assert.Empty(after.UnavailableChecks);
    }

    // One GetStats a second; poll (at most 600 times, 30 s) until the memory service has been asked often enough.
    private async Task WaitForStatsCallsAsync(int calls)
    {
        for (var attempt = 0; attempt < 600 && _memory.StatsCalls < calls; attempt++)
        {
            await Task.Delay(50);
        }

        Assert.True(_memory.StatsCalls >= calls, $"The sampler asked {_memory.StatsCalls} times, not {calls}.");
    }

    public async Task DisposeAsync()
    {
        _app.Dispose();
        await _memory.DisposeAsync();
    }
}
