using Microsoft.Data.Sqlite;
using Tomodachi.Memory.Storage;

namespace Tomodachi.Memory.Tests.Reliability;

/// <summary>Reads a data directory's database directly, as a person with sqlite3 would, after the service was killed.</summary>
internal static class MemoryDatabase
{
    public static async Task<string> ScalarAsync(string dataDirectory, string sql)
    {
        var path = Path.Combine(dataDirectory, EmbeddedMemoryStore.DatabaseFileName);
        await using var connection = new SqliteConnection($"Data Source={path};Pooling=False");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        return Convert.ToString(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture)!;
    }

    public static Task<string> IntegrityCheckAsync(string dataDirectory) => ScalarAsync(dataDirectory, "PRAGMA integrity_check");
}
