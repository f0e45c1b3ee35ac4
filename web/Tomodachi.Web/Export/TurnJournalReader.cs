using Tomodachi.Inference.V1;

namespace Tomodachi.Web.Export;

/// <summary>Reads the whole turn journal from the inference service, page by page.</summary>
public sealed class TurnJournalReader(InferenceService.InferenceServiceClient client)
{
    private const int PageSize = 500;

    /// <summary>Enough for months of chatting, and a bound on one export's memory and time.</summary>
    public const int MaxPages = 200;

    /// <summary>All turns, oldest first.</summary>
    public async Task<IReadOnlyList<TurnStats>> ReadAllAsync(CancellationToken cancellationToken)
    {
        var turns = new List<TurnStats>();
        var token = "";
        for (var page = 0; page < MaxPages; page++)
        {
            var response = await client.ListTurnsAsync(
                new ListTurnsRequest { PageSize = PageSize, PageToken = token }, cancellationToken: cancellationToken);
            turns.AddRange(response.Turns.Select(t => t.Stats));
            token = response.NextPageToken;
            if (token.Length == 0)
            {
                break;
            }
        }

        turns.Reverse();
        return turns;
    }
}
