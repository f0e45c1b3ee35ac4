using Microsoft.Extensions.Options;
using Tomodachi.Web.Feeds;

namespace Tomodachi.Web.Alerts;

/// <summary>
/// Evaluates the alert rules every <see cref="AlertThresholdOptions.EvaluationInterval"/> for the whole web server
/// (every open page shows the same alerts, as Prometheus has one state per rule), from the feeds the panel shows.
/// </summary>
public sealed class AlertMonitor(
    AlertEvaluator evaluator,
    TurnFeed turns,
    InferenceStatusFeed inference,
    MemoryStatsFeed memory,
    RestartsFeed restarts,
    TimeProvider time,
    IOptions<AlertThresholdOptions> options) : BackgroundService, IChangeSource
{
    private readonly TurnWindow window = new(AlertRules.TurnRetention);

    /// <summary>The alerts firing at the last evaluation.</summary>
    public IReadOnlyList<Alert> Firing { get; private set; } = [];

    /// <summary>Raised when the firing alerts change.</summary>
    public event Action? Changed;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        turns.Received += window.Add;
        // Turns the feed listed before this subscription.
        foreach (var turn in turns.Recent)
        {
            window.Add(turn);
        }

        try
        {
            using var timer = new PeriodicTimer(options.Value.EvaluationInterval, time);
            do
            {
                Evaluate();
            }
            while (await timer.WaitForNextTickAsync(stoppingToken));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping.
        }
        finally
        {
            turns.Received -= window.Add;
        }
    }

    private void Evaluate()
    {
        var now = time.GetUtcNow();
        var inputs = new AlertInputs(
            window.Snapshot(now),
            inference.Status.IsOnline ? inference.Latest?.Memory : null,
            memory.History,
            restarts.Status.IsOnline ? restarts.Latest : null);
        var firing = evaluator.Evaluate(inputs, now);
        if (!firing.SequenceEqual(Firing))
        {
            Firing = firing;
            Changed?.Invoke();
        }
    }
}
