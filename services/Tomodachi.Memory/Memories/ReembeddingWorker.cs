namespace Tomodachi.Memory.Memories;

/// <summary>Runs the <see cref="MemoryBank"/>'s re-embedding in the background for the life of the service.</summary>
public sealed class ReembeddingWorker(MemoryBank bank) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await bank.RunReembeddingAsync(stoppingToken);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down: the work done so far is on disk, and the next start goes on from there.
        }
    }
}
