using Tomodachi.Inference.V1;

namespace Tomodachi.EndToEndTests.Infrastructure;

/// <summary>Reads the inference service's turn journal through the gateway.</summary>
internal static class Journal
{
    /// <summary>
    /// The newest turn of a conversation. The journal may append just after the stats message went out, so it
    /// gets a bounded number of chances to show up.
    /// </summary>
    public static async Task<TurnStats> NewestTurnAsync(this InferenceService.InferenceServiceClient inference, string sessionId, CancellationToken cancellationToken)
    {
        for (var attempt = 0; attempt < 40; attempt++)
        {
            var page = await inference.ListTurnsAsync(new ListTurnsRequest { SessionId = sessionId, PageSize = 1 }, cancellationToken: cancellationToken);
            if (page.Turns.Count == 1)
            {
                return page.Turns[0].Stats;
            }

            await Task.Delay(250, cancellationToken);
        }

        throw new InvalidOperationException($"The journal has no turn of session {sessionId}.");
    }

    /// <summary>
    /// The last turn the service reports in its status stream, once it is the given conversation's: the
    /// service's own figures, read independently of the page.
    /// </summary>
    public static async Task<TurnStats> LastTurnFromStatusAsync(this InferenceService.InferenceServiceClient inference, string sessionId, CancellationToken cancellationToken)
    {
        using var call = inference.WatchStatus(new WatchStatusRequest(), cancellationToken: cancellationToken);
        for (var snapshot = 0; snapshot < 20 && await call.ResponseStream.MoveNext(cancellationToken); snapshot++)
        {
            if (call.ResponseStream.Current.LastTurn is { } last && last.SessionId == sessionId)
            {
                return last;
            }
        }

        throw new InvalidOperationException($"The status stream never reported a turn of session {sessionId}.");
    }
}
