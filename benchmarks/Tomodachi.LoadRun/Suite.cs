using Aspire.Hosting;
using Aspire.Hosting.Testing;

namespace Tomodachi.LoadRun;

/// <summary>
/// The suite under load: started here through Aspire.Hosting.Testing with a fresh temporary data folder (so the
/// owner's journal and memories are never touched), or one already running (--attach).
/// </summary>
public sealed class Suite : IAsyncDisposable
{
    private static readonly string[] Resources = ["inference", "memory", "knob", "web", "gateway"];
    private static readonly TimeSpan StartTimeout = TimeSpan.FromMinutes(5);

    private readonly DistributedApplication? app;
    private readonly string? dataDirectory;

    private Suite(Uri gateway, DistributedApplication? app, string? dataDirectory)
    {
        Gateway = gateway;
        this.app = app;
        this.dataDirectory = dataDirectory;
    }

    /// <summary>The gateway's gRPC address (HTTP/2 cleartext, loopback).</summary>
    public Uri Gateway { get; }

    public string Description => app is null ? $"attached to the running suite at {Gateway}" : $"started by the tool, data in {dataDirectory}";

    public static async Task<Suite> StartOrAttachAsync(Uri? attach, string? model, CancellationToken ct)
    {
        if (attach is not null)
        {
            return attach.IsLoopback ? new Suite(attach, null, null)
                : throw new ArgumentException($"--attach {attach}: the load run only talks to loopback addresses.");
        }

        var data = Directory.CreateTempSubdirectory("tomodachi-loadrun-").FullName;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(StartTimeout);
        string[] settings = model is null ? [$"--TOMODACHI_DATA={data}"] : [$"--TOMODACHI_DATA={data}", $"--TOMODACHI_MODEL={Path.GetFullPath(model)}"];
        // With the dashboard, as `dotnet run` has it: its OTLP endpoint is where every service sends telemetry, and
        // exporters that cannot deliver behave differently (they grow native memory while they retry).
        var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.Tomodachi_AppHost>(
            settings, (options, _) => options.DisableDashboard = false, timeout.Token);
        var app = await builder.BuildAsync(timeout.Token);
        await app.StartAsync(timeout.Token);
        foreach (var resource in Resources)
        {
            await app.ResourceNotifications.WaitForResourceHealthyAsync(resource, timeout.Token);
        }

        return new Suite(app.GetEndpoint("gateway", "grpc"), app, data);
    }

    public async ValueTask DisposeAsync()
    {
        if (app is not null)
        {
            await app.DisposeAsync();
        }

        if (dataDirectory is not null)
        {
            Directory.Delete(dataDirectory, recursive: true);
        }
    }
}
