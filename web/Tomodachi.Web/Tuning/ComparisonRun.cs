using Grpc.Core;
using Tomodachi.Tuning.V1;
using Tomodachi.Web.Feeds;

namespace Tomodachi.Web.Tuning;

/// <summary>
/// The base-vs-adapter A/B run of one browser circuit: shows the last report, runs a new one while streaming its
/// progress, and keeps going when the panel is closed and opened again. Failures become words, never exceptions.
/// </summary>
public sealed class ComparisonRun(TuningService.TuningServiceClient tuning) : IDisposable
{
    /// <summary>A bound on one run: a long prompt suite on a slow machine, never an endless wait.</summary>
    public static readonly TimeSpan RunTimeout = TimeSpan.FromMinutes(30);

    private static readonly TimeSpan ReadTimeout = TimeSpan.FromSeconds(30);
    private readonly CancellationTokenSource lifetime = new();
    private CancellationTokenSource? running;
    private bool cancelled;

    /// <summary>The newest finished report, from this run or an earlier one.</summary>
    public ComparisonReport? Report { get; private set; }

    /// <summary>True once the service said it has no report yet.</summary>
    public bool NoReportYet { get; private set; }

    public bool IsRunning => running is not null;

    /// <summary>The last progress event of the run under way.</summary>
    public ComparisonProgress? Progress { get; private set; }

    /// <summary>Why the last call failed, in words; null when it did not.</summary>
    public string? Error { get; private set; }

    public event Action? Changed;

    /// <summary>Reads the last report, unless one is already shown or a run is under way.</summary>
    public async Task LoadLastAsync(CancellationToken cancellationToken)
    {
        if (Report is not null || IsRunning)
        {
            return;
        }

        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, lifetime.Token);
        linked.CancelAfter(ReadTimeout);
        try
        {
            var response = await tuning.GetLastComparisonAsync(new GetLastComparisonRequest(), cancellationToken: linked.Token);
            Report = response.Report;
            NoReportYet = false;
            Error = null;
        }
        catch (RpcException error) when (error.StatusCode == StatusCode.NotFound)
        {
            NoReportYet = true;
        }
        catch (RpcException error) when (!lifetime.IsCancellationRequested)
        {
            Error = "The last comparison could not be read: " + FeedStatus.Describe(error, "TuningService.GetLastComparison");
        }

        Changed?.Invoke();
    }

    /// <summary>Runs the prompt suite on both variants; the previous report stays shown until the new one arrives.</summary>
    public async Task RunAsync(CompareAdapterRequest request, CancellationToken cancellationToken)
    {
        if (IsRunning)
        {
            return;
        }

        using var run = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, lifetime.Token);
        run.CancelAfter(RunTimeout);
        running = run;
        cancelled = false;
        Progress = null;
        Error = null;
        Changed?.Invoke();
        try
        {
            using var call = tuning.CompareAdapter(request, cancellationToken: run.Token);
            await foreach (var response in call.ResponseStream.ReadAllAsync(run.Token))
            {
                if (response.EventCase == CompareAdapterResponse.EventOneofCase.Progress)
                {
                    Progress = response.Progress;
                }
                else if (response.EventCase == CompareAdapterResponse.EventOneofCase.Report)
                {
                    Report = response.Report;
                    NoReportYet = false;
                }

                Changed?.Invoke();
            }
        }
        catch (RpcException error) when (!run.IsCancellationRequested)
        {
            Error = "Comparison failed: " + FeedStatus.Describe(error, "TuningService.CompareAdapter");
        }
        catch (Exception error) when (error is OperationCanceledException or RpcException && run.IsCancellationRequested)
        {
            Error = lifetime.IsCancellationRequested ? null
                : cancelled || cancellationToken.IsCancellationRequested ? "Comparison cancelled."
                : $"Comparison stopped: it ran longer than {RunTimeout.TotalMinutes:0} minutes.";
        }
        finally
        {
            running = null;
            Progress = null;
        }

        if (!lifetime.IsCancellationRequested)
        {
            Changed?.Invoke();
        }
    }

    /// <summary>Stops the run under way; the service stops generating once the stream closes.</summary>
    public void Cancel()
    {
        if (running is { } run)
        {
            cancelled = true;
            run.Cancel();
        }
    }

    public void Dispose()
    {
        lifetime.Cancel();
        lifetime.Dispose();
    }
}
