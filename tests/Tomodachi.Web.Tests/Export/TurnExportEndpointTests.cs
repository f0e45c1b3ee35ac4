using System.Net;
using Tomodachi.Web.Export;
using Tomodachi.Web.Tests.Backends;

namespace Tomodachi.Web.Tests.Export;

/// <summary>/export/turns.csv against a real gRPC journal that pages as the inference service's does.</summary>
public sealed class TurnExportEndpointTests() : ScriptedWebTests(started => started.InferenceAddress)
{
    [Fact]
    public async Task Every_turn_of_a_journal_longer_than_the_old_100_000_cap_is_exported_newest_first_once()
    {
        const int turns = 100_000 + TurnJournalReader.PageSize + 1;
        Backends.Inference.GeneratedJournalSize = turns;
        using var http = Web.CreateClient();

        using var response = await http.GetAsync(ExportEndpoints.TurnsCsvPath, HttpCompletionOption.ResponseHeadersRead);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(TurnCsvWriter.Header, await reader.ReadLineAsync());
        var expected = turns - 1;
        while (await reader.ReadLineAsync() is { } line)
        {
            Assert.StartsWith($"turn-{expected},", line);
            expected--;
        }

        Assert.Equal(-1, expected);
    }

    [Fact]
    public async Task A_journal_lost_in_the_middle_of_an_export_fails_the_download_instead_of_ending_it_early()
    {
        Backends.Inference.GeneratedJournalSize = 3 * TurnJournalReader.PageSize;
        Backends.Inference.FailFromPage = 1;
        using var http = Web.CreateClient();

        using var response = await http.GetAsync(ExportEndpoints.TurnsCsvPath, HttpCompletionOption.ResponseHeadersRead);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        await Assert.ThrowsAnyAsync<Exception>(() => response.Content.ReadAsStringAsync());
    }
}
