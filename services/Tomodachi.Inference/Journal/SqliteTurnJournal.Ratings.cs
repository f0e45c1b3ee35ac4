using System.Runtime.CompilerServices;
using Microsoft.Data.Sqlite;

namespace Tomodachi.Inference.Journal;

// Ratings (schema 2) and the oldest-first reads the tuning analyses need.
public sealed partial class SqliteTurnJournal
{
    private const int MaxRatingLookup = 500;

    public async Task<bool> RateAsync(string turnId, int rating, CancellationToken ct)
    {
        ArgumentException.ThrowIfNullOrEmpty(turnId);
        if (!TurnRating.IsValid(rating))
        {
            throw new ArgumentOutOfRangeException(nameof(rating), rating, "A rating is -1 (thumbs down), 1 (thumbs up) or 0 (none).");
        }

        await writeLock.WaitAsync(ct);
        try
        {
            using var update = writer.CreateCommand();
            update.CommandText = "UPDATE turns SET rating = $rating WHERE turn_id = $turnId";
            update.Parameters.AddWithValue("$rating", rating == TurnRating.None ? DBNull.Value : rating);
            update.Parameters.AddWithValue("$turnId", turnId);
            return await update.ExecuteNonQueryAsync(CancellationToken.None) == 1;
        }
        finally
        {
            writeLock.Release();
        }
    }

    public async Task<IReadOnlyDictionary<string, int>> GetRatingsAsync(IReadOnlyCollection<string> turnIds, CancellationToken ct)
    {
        if (turnIds.Count > MaxRatingLookup)
        {
            throw new ArgumentException($"At most {MaxRatingLookup} turn ids can be looked up at once; {turnIds.Count} were given.", nameof(turnIds));
        }

        var ratings = new Dictionary<string, int>(StringComparer.Ordinal);
        if (turnIds.Count == 0)
        {
            return ratings;
        }

        await using var connection = await OpenReaderAsync(ct);
        using var select = connection.CreateCommand();
        var names = turnIds.Select((id, i) =>
        {
            select.Parameters.AddWithValue($"$id{i}", id);
            return $"$id{i}";
        }).ToList();
        select.CommandText = $"SELECT turn_id, coalesce(rating, 0) FROM turns WHERE turn_id IN ({string.Join(", ", names)})";
        await using var reader = await select.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            ratings[reader.GetString(0)] = reader.GetInt32(1);
        }

        return ratings;
    }

    public IAsyncEnumerable<RatedTurn> ReadAsync(TurnQuery query, CancellationToken ct)
    {
        // Validated here, not at the first MoveNextAsync, so callers can map bad input before streaming anything.
        if (query.Since is { } since && query.Until is { } until && since > until)
        {
            throw new ArgumentException($"since ({since}) is after until ({until}).");
        }

        if (query.NewestLimit is < 1)
        {
            throw new ArgumentException($"The newest-turns limit must be at least 1; it was {query.NewestLimit}.");
        }

        return Read(query, ct);
    }

    private async IAsyncEnumerable<RatedTurn> Read(TurnQuery query, [EnumeratorCancellation] CancellationToken ct)
    {
        await using var connection = await OpenReaderAsync(ct);
        using var select = connection.CreateCommand();
        var conditions = SessionAndTimeConditions(select, query.SessionId, query.Since, query.Until);
        var where = conditions.Count == 0 ? "" : "WHERE " + string.Join(" AND ", conditions);
        // The newest N are picked in the inner query and put back in time order outside it.
        var limit = query.NewestLimit is { } newest ? $"LIMIT {newest}" : "";
        select.CommandText = $"""
            SELECT * FROM (
              SELECT {TurnColumns.Names}, coalesce(rating, 0) AS rating_value, id FROM turns {where}
              ORDER BY {TurnColumns.StartedAt} DESC, id DESC {limit})
            ORDER BY {TurnColumns.StartedAt}, id
            """;

        await using var reader = await select.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            yield return new RatedTurn(TurnColumns.Read(reader), reader.GetInt32(TurnColumns.All.Count));
        }
    }

    // Schema 1 -> 2. Checked by column rather than by user_version, so a database whose upgrade was interrupted
    // after the version bump still gets the column.
    private void AddRatingColumn()
    {
        if (Scalar<long>(writer, "SELECT count(*) FROM pragma_table_info('turns') WHERE name = 'rating'") == 0)
        {
            Execute(writer, "ALTER TABLE turns ADD COLUMN rating INTEGER CHECK (rating IN (-1, 1))");
        }
    }
}
