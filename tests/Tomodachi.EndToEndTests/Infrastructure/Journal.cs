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
}
