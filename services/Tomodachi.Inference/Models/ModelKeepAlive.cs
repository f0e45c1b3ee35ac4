using Microsoft.Extensions.Options;
using Tomodachi.Inference.Configuration;

namespace Tomodachi.Inference.Models;

/// <summary>
/// Unloads the model once nobody has chatted for Inference:KeepAlive (like Ollama's keep_alive), so an idle companion
/// gives its memory back; the next chat loads it again. Does nothing when KeepAlive is unset.
/// </summary>
public sealed class ModelKeepAlive(IModelManager models, IOptions<InferenceOptions> options, TimeProvider time) : BackgroundService
{
    /// <summary>The model goes at most this long past its keep-alive before it is noticed.</summary>
    private static readonly TimeSpan MaxCheckInterval = TimeSpan.FromSeconds(10);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (options.Value.KeepAlive is not { } keepAlive)
        {
            return;
        }

        using var timer = new PeriodicTimer(TimeSpan.FromTicks(Math.Min(MaxCheckInterval.Ticks, Math.Max(keepAlive.Ticks / 4, TimeSpan.TicksPerMillisecond * 100))), time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                await models.UnloadIfIdleAsync(keepAlive, stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // The service is stopping.
        }
    }
}
