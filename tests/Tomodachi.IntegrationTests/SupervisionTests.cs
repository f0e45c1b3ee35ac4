using System.Diagnostics;
using Aspire.Hosting.ApplicationModel;
using Grpc.Core;
using Grpc.Health.V1;
using Tomodachi.AppHost.Supervision;
using Tomodachi.Inference.V1;
using Tomodachi.IntegrationTests.Infrastructure;
using Tomodachi.Knob.V1;
using Tomodachi.Memory.V1;
using Xunit.Abstractions;

namespace Tomodachi.IntegrationTests;

/// <summary>
/// A service that dies without being asked to comes back by itself: the AppHost's supervisor starts it again, counts
/// the restart (on /restarts and in Prometheus), and gives up on one that fails at start-up every time. The waits are
/// generous bounds for a loaded two-core machine, never measurements; the times are written to the test output
/// (docs/benchmarks.md has the measured figures).
/// </summary>
[Collection(SuiteCollection.Name)]
public sealed class SupervisionTests(SuiteFixture suite, ITestOutputHelper output)
{
    /// <summary>The bound a killed service must answer again within (DECISIONS.md).</summary>
    private static readonly TimeSpan BackWithin = TimeSpan.FromSeconds(60);

    private static CancellationToken Within(int seconds) => new CancellationTokenSource(TimeSpan.FromSeconds(seconds)).Token;

    [Fact]
    public async Task Memory_killed_while_storing_comes_back_by_itself_with_every_acknowledged_memory_and_one_restart_counted()
    {
        var timeout = Within(240);
        using var channel = suite.CreateGatewayChannel();
        var memory = new MemoryService.MemoryServiceClient(channel);
        await suite.App.WaitForRestartAsync("memory", timeout);
        var before = await suite.App.RestartsOfAsync("memory", timeout);
        var session = $"supervision-{Guid.NewGuid():N}";

        using var stopWriting = new CancellationTokenSource();
        var acknowledged = new List<string>();
        var writer = WriteUntilStoppedAsync(memory, session, acknowledged, stopWriting.Token);
        await WaitUntilAsync(() => Volatile.Read(ref acknowledgedCount) >= 3, timeout);
        await suite.App.KillAsync("memory", timeout);
        var back = await UntilAnsweringAsync(ct => memory.GetStatsAsync(new GetStatsRequest(), cancellationToken: ct).ResponseAsync);
        await WaitUntilAsync(() => Volatile.Read(ref acknowledgedCount) > acknowledgedAtKill, timeout);
        await stopWriting.CancelAsync();
        await writer;
        output.WriteLine($"memory answered {back.TotalSeconds:F1} s after SIGKILL; {acknowledged.Count} writes acknowledged; load {LoadAverage()}");

        var missing = new List<string>();
        foreach (var id in acknowledged)
        {
            try
            {
                await memory.GetAsync(new GetRequest { Id = id }, cancellationToken: timeout);
            }
            catch (RpcException e) when (e.StatusCode == StatusCode.NotFound)
            {
                missing.Add(id);
            }
        }

        var after = await suite.App.WaitForRestartsAsync("memory", r => r.State == SupervisedStates.Running, timeout);
        var prometheus = new PrometheusApi(new HttpClient { BaseAddress = suite.Prometheus });
        var scraped = await prometheus.WaitForAsync("tomodachi_service_restarts_total{service=\"memory\"}", v => v == after.Restarts, timeout);

        Assert.Empty(missing);
        Assert.Equal(before.Restarts + 1, after.Restarts);
        Assert.NotNull(after.LastRestartAt);
        Assert.Equal(after.Restarts, scraped);
    }

    [Theory]
    [InlineData("inference")]
    [InlineData("knob")]
    public async Task A_killed_service_comes_back_by_itself_and_its_restart_is_counted(string service)
    {
        var timeout = Within(240);
        using var channel = suite.CreateGatewayChannel();
        await suite.App.WaitForRestartAsync(service, timeout);
        var before = await suite.App.RestartsOfAsync(service, timeout);
        Func<CancellationToken, Task> answers = service switch
        {
            "inference" => ct => new InferenceService.InferenceServiceClient(channel).WaitForModelLoadedAsync(ct),
            "knob" => ct => new KnobService.KnobServiceClient(channel).GetStateAsync(new GetStateRequest(), cancellationToken: ct).ResponseAsync,
            _ => throw new ArgumentOutOfRangeException(nameof(service)),
        };

        await suite.App.KillAsync(service, timeout);
        var back = await UntilAnsweringAsync(answers);
        output.WriteLine($"{service} answered {back.TotalSeconds:F1} s after SIGKILL; load {LoadAverage()}");
        var after = await suite.App.WaitForRestartsAsync(service, r => r.State == SupervisedStates.Running, timeout);

        Assert.Equal(before.Restarts + 1, after.Restarts);
        Assert.Equal(after.Restarts, ResourceProperty(service, Supervisor.RestartsProperty));
    }

    [Fact]
    public async Task A_resource_failing_at_start_up_every_time_ends_crash_looping_with_its_last_error_and_the_suite_works_on()
    {
        var timeout = Within(180);
        var looping = await suite.App.ResourceNotifications.WaitForResourceAsync(
            SuiteFixture.Crasher, e => e.Snapshot.State?.Text == Supervisor.CrashLoopingState, timeout);
        var record = await suite.App.RestartsOfAsync(SuiteFixture.Crasher, timeout);
        using var http = new HttpClient { BaseAddress = suite.App.Url() };
        var metrics = await http.GetStringAsync("/metrics", timeout);

        using var channel = suite.CreateGatewayChannel();
        var memoryHealth = await new Health.HealthClient(channel).CheckAsync(
            new HealthCheckRequest { Service = "tomodachi.memory.v1.MemoryService" }, cancellationToken: timeout);
        var stats = await new MemoryService.MemoryServiceClient(channel).GetStatsAsync(new GetStatsRequest(), cancellationToken: timeout);

        Assert.Equal(SupervisedStates.CrashLooping, record.State);
        Assert.Equal(SuiteFixture.CrasherMaxFailures - 1, record.Restarts);
        Assert.Equal(SuiteFixture.CrasherExitCode, record.LastExitCode);
        Assert.Equal(SuiteFixture.CrasherError, record.LastError);
        Assert.Contains(SuiteFixture.CrasherError, looping.Snapshot.Properties.Single(p => p.Name == Supervisor.StatusProperty).Value?.ToString());
        Assert.Contains($"tomodachi_service_crash_looping{{service=\"{SuiteFixture.Crasher}\"}} 1\n", metrics);
        Assert.Contains($"tomodachi_service_restarts_total{{service=\"{SuiteFixture.Crasher}\"}} {SuiteFixture.CrasherMaxFailures - 1}\n", metrics);
        Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, memoryHealth.Status);
        Assert.False(string.IsNullOrEmpty(stats.Stats.Backend));
    }

    private int acknowledgedCount;
    private int acknowledgedAtKill = int.MaxValue;

    /// <summary>Stores memories one after another until stopped, keeping the id of every store the service acknowledged.</summary>
    private async Task WriteUntilStoppedAsync(MemoryService.MemoryServiceClient memory, string session, List<string> acknowledged, CancellationToken stop)
    {
        // Bounded in count as well as by the token.
        for (var i = 0; i < 2000 && !stop.IsCancellationRequested; i++)
        {
            try
            {
                var stored = await memory.StoreAsync(new StoreRequest
                {
                    Memory = new NewMemory { Text = $"Supervision fact number {i}.", SessionId = session, Role = MemoryRole.User },
                }, deadline: DateTime.UtcNow.AddSeconds(10), cancellationToken: stop);
                lock (acknowledged)
                {
                    acknowledged.Add(stored.Id);
                }

                Interlocked.Increment(ref acknowledgedCount);
            }
            catch (RpcException) when (!stop.IsCancellationRequested)
            {
                // Down or on its way back: only acknowledged stores must survive.
                Interlocked.CompareExchange(ref acknowledgedAtKill, acknowledgedCount, int.MaxValue);
                await Task.Delay(TimeSpan.FromMilliseconds(100), CancellationToken.None);
            }
            catch (RpcException) when (stop.IsCancellationRequested)
            {
                return;
            }
        }
    }

    /// <summary>Retries the call until it succeeds, within <see cref="BackWithin"/>; returns how long that took.</summary>
    private static async Task<TimeSpan> UntilAnsweringAsync(Func<CancellationToken, Task> call)
    {
        var started = Stopwatch.GetTimestamp();
        using var bound = new CancellationTokenSource(BackWithin);
        while (true)
        {
            using var attempt = CancellationTokenSource.CreateLinkedTokenSource(bound.Token);
            attempt.CancelAfter(TimeSpan.FromSeconds(10));
            try
            {
                await call(attempt.Token);
                return Stopwatch.GetElapsedTime(started);
            }
            catch (Exception e) when (e is RpcException or OperationCanceledException && !bound.IsCancellationRequested)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(250), bound.Token);
            }
        }
    }

    /// <summary>The 1, 5 and 15 minute load averages, written beside each time: on two shared cores they explain it.</summary>
    private static string LoadAverage() => string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3));

    private static async Task WaitUntilAsync(Func<bool> condition, CancellationToken cancellationToken)
    {
        while (!condition())
        {
            await Task.Delay(TimeSpan.FromMilliseconds(100), cancellationToken);
        }
    }

    private long? ResourceProperty(string resource, string property) =>
        suite.App.ResourceNotifications.TryGetCurrentState(resource, out var current)
        && current.Snapshot.Properties.FirstOrDefault(p => p.Name == property)?.Value is { } value
            ? Convert.ToInt64(value, System.Globalization.CultureInfo.InvariantCulture)
            : null;
}
