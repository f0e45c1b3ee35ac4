using Grpc.Net.Client;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Tomodachi.Inference.Configuration;
using Tomodachi.Inference.Journal;
using Tomodachi.Inference.Tests.Infrastructure;
using Tomodachi.Inference.Tests.Journal;
using Tomodachi.Inference.Tuning;
using Tomodachi.Inference.Tuning.Memory;
using Tomodachi.Memory.V1;

namespace Tomodachi.Inference.Tests.Tuning;

/// <summary>The memory-store sampler against a memory service over real gRPC on a real HTTP/2 socket.</summary>
public sealed class MemoryStatsSamplerTests : IAsyncLifetime
{
    private readonly TempJournal temp = new();
    // gRPC deadlines are wall-clock instants taken from this clock, so it starts at the real time of each test.
    private readonly DateTimeOffset start = DateTimeOffset.UtcNow;
    private readonly FakeTimeProvider clock;
    private FakeMemoryServer server = null!;
    private GrpcChannel channel = null!;
    private SqliteMemoryStatsHistory history = null!;
    private ServiceProvider services = null!;
    private MemoryStatsSampler sampler = null!;

    public MemoryStatsSamplerTests() => clock = new FakeTimeProvider(start);

    public async Task InitializeAsync()
    {
        server = await FakeMemoryServer.StartAsync([]);
        channel = GrpcChannel.ForAddress(server.Address);
        history = new SqliteMemoryStatsHistory(Options.Create(new JournalOptions { Path = temp.Path }), temp.Journal);
        services = new ServiceCollection().AddSingleton<IMemoryStatsHistory>(history).BuildServiceProvider();
        sampler = new MemoryStatsSampler(services, new MemoryService.MemoryServiceClient(channel), clock,
            Options.Create(new TuningOptions { MemorySampleInterval = TimeSpan.FromMinutes(1) }),
            Options.Create(new InferenceOptions { MemoryTimeout = TimeSpan.FromSeconds(30) }), NullLogger<MemoryStatsSampler>.Instance);
    }

    [Fact]
    public async Task The_sampler_records_the_memory_services_count_size_and_backend_once_per_interval()
    {
        server.Stats = new MemoryStats { Count = 5, SizeBytes = 4096, Backend = "embedded" };
        await sampler.StartAsync(CancellationToken.None);
        await WaitForSamplesAsync(1);
        server.Stats = new MemoryStats { Count = 9, SizeBytes = 8192, Backend = "embedded" };
        clock.Advance(TimeSpan.FromMinutes(1));
        var samples = await WaitForSamplesAsync(2);

        Assert.Equal(
            [new MemoryStatsSample(start, 5, 4096, "embedded"), new MemoryStatsSample(start.AddMinutes(1), 9, 8192, "embedded")],
            samples);
    }

    [Fact]
    public async Task While_the_memory_service_is_unavailable_samples_are_skipped_and_sampling_goes_on()
    {
        server.StatsUnavailable = true;
        await sampler.StartAsync(CancellationToken.None);
        await WaitUntilAsync(() => server.StatsCalls >= 1);
        Assert.Empty(await history.ReadAsync(null, null, 100, CancellationToken.None));

        server.StatsUnavailable = false;
        server.Stats = new MemoryStats { Count = 3, SizeBytes = 100, Backend = "qdrant" };
        clock.Advance(TimeSpan.FromMinutes(1));
        var samples = await WaitForSamplesAsync(1);

        Assert.Equal([new MemoryStatsSample(start.AddMinutes(1), 3, 100, "qdrant")], samples);
        Assert.False(sampler.ExecuteTask!.IsCompleted);
    }

    // The sampler writes on its own task; poll (at most 400 times, 20 s) until the expected count is on disk.
    private async Task<IReadOnlyList<MemoryStatsSample>> WaitForSamplesAsync(int count)
    {
        IReadOnlyList<MemoryStatsSample> samples = [];
        await WaitUntilAsync(async () => (samples = await history.ReadAsync(null, null, 100, CancellationToken.None)).Count >= count);
        return samples;
    }

    private static Task WaitUntilAsync(Func<bool> condition) => WaitUntilAsync(() => Task.FromResult(condition()));

    private static async Task WaitUntilAsync(Func<Task<bool>> condition)
    {
        for (var attempt = 0; attempt < 400; attempt++)
        {
            if (await condition())
            {
                return;
            }

            await Task.Delay(50);
        }

        throw new TimeoutException("The sampler did not get there.");
    }

    public async Task DisposeAsync()
    {
        await sampler.StopAsync(CancellationToken.None);
        sampler.Dispose();
        await services.DisposeAsync();
        channel.Dispose();
        await server.DisposeAsync();
        temp.Dispose();
    }
}
