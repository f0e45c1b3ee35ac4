using Tomodachi.Inference.V1;

namespace Tomodachi.Web.Export;

/// <summary>
/// Reads the whole turn journal from the inference service, newest first, one ListTurns page at a time: an export
/// holds one page in memory however long the journal is. The page tokens are keyset positions, so turns finished
/// while an export runs are not in it and none is listed twice.
/// </summary>
public sealed class TurnJournalReader(InferenceService.InferenceServiceClient client)
{
    /// <summary>The largest page ListTurns serves.</summary>
    public const int PageSize = 500;

    /// <summary>Pages until the journal's last; the first call's failure surfaces before anything is yielded.</summary>
    public async IAsyncEnumerable<IReadOnlyList<TurnStats>> ReadPagesAsync(
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var token = "";
        do
        {
            var response = await client.ListTurnsAsync(
                new ListTurnsRequest { PageSize = PageSize, PageToken = token }, cancellationToken: cancellationToken);
            yield return [.. response.Turns.Select(t => t.Stats)];
            token = response.NextPageToken;
        }
        while (token.Length > 0);
    }
}
