using System.Globalization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Tomodachi.ServiceDefaults.Tests;

/// <summary>/metrics reports the sampler's sample, not a reading of its own at scrape time.</summary>
[Collection(AloneCollection.Name)]
public sealed class ProcessMemorySamplerTests : IAsyncLifetime
{
    private WebApplication? app;
    private HttpClient? client;

    public async Task InitializeAsync()
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = Environments.Production });
        builder.WebHost.UseTestServer();
        // No periodic sample during the test: only the one taken at start and those the test takes.
        builder.Configuration["Telemetry:ProcessMemory:SampleInterval"] = "01:00:00";
        builder.AddServiceDefaults();
        app = builder.Build();
        app.MapDefaultEndpoints();
        await app.StartAsync();
        client = app.GetTestClient();
    }

    public async Task DisposeAsync()
    {
        client?.Dispose();
        if (app is not null)
        {
            await app.DisposeAsync();
        }
    }

    [Fact]
    public async Task Every_scrape_reports_the_latest_sample_and_its_time_once()
    {
        var sampler = app!.Services.GetRequiredService<ProcessMemorySampler>();
        var sample = sampler.SampleNow();
        // Memory the process did not have at the sample: a reading at scrape time would include it.
        var ballast = GC.AllocateArray<byte>(64 << 20, pinned: true);
        Array.Fill(ballast, (byte)1);

        var first = Series(await client!.GetStringAsync("/metrics"));
        var second = Series(await client.GetStringAsync("/metrics"));

        foreach (var scrape in new[] { first, second })
        {
            Assert.Equal([(double)sample.RssBytes], scrape["process_memory_usage_bytes"]);
            Assert.Equal([(double)sample.VmsBytes], scrape["process_memory_virtual_bytes"]);
            Assert.Equal([sample.SampledAt.ToUnixTimeMilliseconds() / 1000.0], scrape["tomodachi_process_memory_sample_time_seconds"]);
        }

        GC.KeepAlive(ballast);
    }

    [Fact]
    public async Task A_new_sample_is_what_the_next_scrape_reports()
    {
        var sampler = app!.Services.GetRequiredService<ProcessMemorySampler>();
        var seen = new List<ProcessMemorySample>();
        sampler.Sampled += seen.Add;
        var ballast = GC.AllocateArray<byte>(64 << 20, pinned: true);
        Array.Fill(ballast, (byte)1);

        var sample = sampler.SampleNow();
        var scrape = Series(await client!.GetStringAsync("/metrics"));

        Assert.Equal([sample], seen);
        Assert.Equal(sample, sampler.Current);
        Assert.Equal([(double)sample.RssBytes], scrape["process_memory_usage_bytes"]);
        Assert.Equal(Environment.ProcessId, sample.ProcessId);
        Assert.True(sample.RssBytes > 64UL << 20, $"RSS {sample.RssBytes} does not hold the 64 MiB just written");
        GC.KeepAlive(ballast);
    }

    /// <summary>Values per metric name of a Prometheus text page (labels and timestamps ignored).</summary>
    private static Dictionary<string, List<double>> Series(string page)
    {
        var series = new Dictionary<string, List<double>>();
        foreach (var line in page.Split('\n').Where(l => l.Length > 0 && !l.StartsWith('#')))
        {
            var name = line[..line.IndexOfAny(['{', ' '])];
            var afterLabels = line.Contains('}') ? line[(line.IndexOf('}') + 2)..] : line[(name.Length + 1)..];
            var value = double.Parse(afterLabels.Split(' ')[0], CultureInfo.InvariantCulture);
            (series.TryGetValue(name, out var values) ? values : series[name] = []).Add(value);
        }

        return series;
    }
}

/// <summary>
/// A meter provider listens to every meter of its names in the process, whichever host made it: while another test's
/// host runs, its sampler's gauges would be on this host's /metrics too. These tests run when no other does.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class AloneCollection
{
    public const string Name = "alone";
}
