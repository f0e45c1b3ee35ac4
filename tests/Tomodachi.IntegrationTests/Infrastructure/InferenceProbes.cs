using Tomodachi.Inference.V1;

namespace Tomodachi.IntegrationTests.Infrastructure;

/// <summary>What the inference service itself reports, read through the gateway. Shared, as a linked file, by the end-to-end tests.</summary>
public static class InferenceProbes
{
    /// <summary>Waits until the service reports a chat holding a slot or queued for one.</summary>
    public static Task WaitForChatInFlightAsync(this InferenceService.InferenceServiceClient inference, CancellationToken cancellationToken) =>
        inference.WaitForStatusAsync(s => s.BusySlots > 0 || s.QueueDepth > 0, cancellationToken);

    /// <summary>Waits until no chat holds a slot or waits for one.</summary>
    public static Task WaitForIdleAsync(this InferenceService.InferenceServiceClient inference, CancellationToken cancellationToken) =>
        inference.WaitForStatusAsync(s => s.BusySlots == 0 && s.QueueDepth == 0, cancellationToken);

    /// <summary>
    /// Waits until the model is loaded. The service is healthy as soon as it listens and loads the model in the
    /// background, so a restarted service is only back for chats once this is true.
    /// </summary>
    public static Task WaitForModelLoadedAsync(this InferenceService.InferenceServiceClient inference, CancellationToken cancellationToken) =>
        inference.WaitForStatusAsync(s => s.Model.Loaded, cancellationToken);

    private static async Task WaitForStatusAsync(
        this InferenceService.InferenceServiceClient inference, Func<WatchStatusResponse, bool> condition, CancellationToken cancellationToken)
    {
        // The stream sends a snapshot on subscribe and on every change, so it sees the moment the condition holds.
        using var status = inference.WatchStatus(new WatchStatusRequest(), cancellationToken: cancellationToken);
        while (await status.ResponseStream.MoveNext(cancellationToken))
        {
            if (condition(status.ResponseStream.Current))
            {
                return;
            }
        }

        throw new InvalidOperationException("the inference status stream ended before the expected status");
    }
}
