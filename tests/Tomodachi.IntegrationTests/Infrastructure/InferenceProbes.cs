using Tomodachi.Inference.V1;

namespace Tomodachi.IntegrationTests.Infrastructure;

/// <summary>What the inference service itself reports, read through the gateway. Shared, as a linked file, by the end-to-end tests.</summary>
public static class InferenceProbes
{
    /// <summary>Waits until the service reports a chat holding a slot or queued for one.</summary>
    public static async Task WaitForChatInFlightAsync(this InferenceService.InferenceServiceClient inference, CancellationToken cancellationToken)
    {
        using var status = inference.WatchStatus(new WatchStatusRequest(), cancellationToken: cancellationToken);
        for (var snapshot = 0; snapshot < 50 && await status.ResponseStream.MoveNext(cancellationToken); snapshot++)
        {
            if (status.ResponseStream.Current is { BusySlots: > 0 } or { QueueDepth: > 0 })
            {
                return;
            }
        }

        throw new InvalidOperationException("the inference service never reported the chat in flight");
    }
}
