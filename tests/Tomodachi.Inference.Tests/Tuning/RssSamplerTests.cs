using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Tomodachi.Inference.Journal;
using Tomodachi.Inference.Tests.Journal;
using Tomodachi.Inference.Tuning;
using Tomodachi.Inference.Tuning.Memory;

namespace Tomodachi.Inference.Tests.Tuning;

public sealed class RssSamplerTests : IDisposable
{
    private readonly TempJournal temp = new();

    public void Dispose() => temp.Dispose();

    [Fact]
    public async Task The_sampler_records_this_process_RSS_once_per_interval_of_its_clock()
    {
        var clock = new FakeTimeProvider(JournalTestData.Epoch);
        var history = new SqliteRssHistory(Options.Create(new JournalOptions { Path = temp.Path }), temp.Journal);
        await using var services = new ServiceCollection().AddSingleton<IRssHistory>(history).AddMetrics().BuildServiceProvider();
        using var memory = new ProcessMemorySampler(clock, Options.Create(new ProcessMemoryOptions()), services.GetRequiredService<IMeterFactory>());
        using var sampler = new RssSampler(services, memory, clock, Options.Create(new TuningOptions { RssSampleInterval = TimeSpan.FromMinutes(1) }), NullLogger<RssSampler>.Instance);

        await sampler.StartAsync(CancellationToken.None);
        var samples = await WaitForSamplesAsync(history, 1);
        clock.Advance(TimeSpan.FromMinutes(1));
        samples = await WaitForSamplesAsync(history, 2);
        clock.Advance(TimeSpan.FromMinutes(1));
        samples = await WaitForSamplesAsync(history, 3);
        await sampler.StopAsync(CancellationToken.None);

        Assert.Equal([JournalTestData.Epoch, JournalTestData.Epoch.AddMinutes(1), JournalTestData.Epoch.AddMinutes(2)], samples.Select(s => s.At));
        Assert.Single(samples.Select(s => s.RunId).Distinct());
        // A .NET process with SQLite loaded is well above 10 MiB and below the machine's 24 GB.
        Assert.All(samples, s => Assert.InRange(s.RssBytes, 10L << 20, 24L << 30));
    }

    // The sampler writes on its own task; poll (at most 200 times) until the expected count is on disk.
    private static async Task<IReadOnlyList<RssSample>> WaitForSamplesAsync(IRssHistory history, int count)
    {
        for (var attempt = 0; attempt < 200; attempt++)
        {
            var samples = await history.ReadLatestRunAsync(null, null, 100, CancellationToken.None);
            if (samples.Count >= count)
            {
                return samples;
            }

            await Task.Delay(25);
        }

        throw new TimeoutException($"The sampler did not record {count} samples.");
    }
}
