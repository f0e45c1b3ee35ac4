using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Tomodachi.Memory.Embeddings;
using Tomodachi.Memory.Extensions;
using Tomodachi.Memory.Storage;

namespace Tomodachi.Memory.Benchmarks.Recall;

/// <summary>
/// recall@1 and recall@3 of each embedder over the paraphrase set: every fact and every chat turn is stored in a real
/// embedded store (facts as the user's, chat turns alternately the user's and Tomodachi's), then each question is
/// searched twice — over everything stored, and as the chat pipeline searches (the user's role only, since
/// Tomodachi's replies are not things the user said) — and the rank of its own fact is read.
/// </summary>
internal static class RecallBenchmark
{
    public static async Task RunAsync(IReadOnlyList<IEmbedder> embedders)
    {
        var set = RecallSet.Load();
        var overlap = set.Pairs.Average(p => ContentWords.Overlap(p.Fact, p.Question));
        var noOverlap = set.Pairs.Count(p => ContentWords.Overlap(p.Fact, p.Question) == 0);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"recall set: {set.Pairs.Count} fact/question pairs, {set.ChatTurns.Count} stored chat turns; mean share of a question's content words found in its fact {overlap:P0}; {noOverlap} questions share none"));
        Console.WriteLine("| embedder | dimension | searched | recall@1 | recall@3 | MRR@10 | embedding the set, ms |");
        Console.WriteLine("|---|---:|---|---:|---:|---:|---:|");
        var misses = new List<string>();
        foreach (var embedder in embedders)
        {
            var (rows, missed) = await MeasureAsync(embedder, set);
            rows.ForEach(Console.WriteLine);
            misses.AddRange(missed.Select(m => $"{embedder.Name}: {m}"));
        }

        Console.WriteLine();
        Console.WriteLine("questions whose fact was not first:");
        foreach (var miss in misses)
        {
            Console.WriteLine($"- {miss}");
        }
    }

    private static readonly (string Name, MemoryFilter Filter)[] Searches =
    [
        ("everything stored", MemoryFilter.None),
        ("the user's role (as the chat pipeline)", new MemoryFilter(Speaker: Speaker.User)),
    ];

    private static async Task<(List<string> Rows, List<string> Missed)> MeasureAsync(IEmbedder embedder, RecallSet set)
    {
        var directory = Directory.CreateTempSubdirectory("tomodachi-recall-");
        try
        {
            await using var store = new EmbeddedMemoryStore(
                Options.Create(new MemoryOptions { DataDirectory = directory.FullName }), NullLogger<EmbeddedMemoryStore>.Instance);
            await store.OpenAsync(new EmbedderIdentity(embedder.Name, embedder.Dimension), default);

            var watch = Stopwatch.StartNew();
            var facts = await embedder.EmbedAsync(set.Pairs.Select(p => p.Fact).ToList(), EmbeddingKind.Document, default);
            var turns = await embedder.EmbedAsync(set.ChatTurns, EmbeddingKind.Document, default);
            var questions = await embedder.EmbedAsync(set.Pairs.Select(p => p.Question).ToList(), EmbeddingKind.Query, default);
            var embedMs = watch.Elapsed.TotalMilliseconds;

            var time = DateTimeOffset.UnixEpoch;
            var factIds = set.Pairs.Select(_ => Guid.NewGuid()).ToList();
            var memories = set.Pairs.Select((p, i) => Memory(factIds[i], p.Fact, Speaker.User, facts[i].Vector, time.AddMinutes(i)))
                .Concat(set.ChatTurns.Select((t, i) => Memory(Guid.NewGuid(), t, i % 2 == 0 ? Speaker.User : Speaker.Assistant, turns[i].Vector, time.AddHours(2).AddMinutes(i))))
                .ToList();
            await store.UpsertAsync(memories, default);

            var rows = new List<string>();
            var missed = new List<string>();
            foreach (var (name, filter) in Searches)
            {
                var (first, top3, reciprocal) = (0, 0, 0.0);
                for (var i = 0; i < set.Pairs.Count; i++)
                {
                    var hits = await store.SearchAsync(questions[i].Vector, 10, filter, default);
                    var rank = hits.Select(h => h.Entry.Id).ToList().IndexOf(factIds[i]) + 1;
                    first += rank == 1 ? 1 : 0;
                    top3 += rank is >= 1 and <= 3 ? 1 : 0;
                    reciprocal += rank > 0 ? 1.0 / rank : 0;
                    if (rank != 1)
                    {
                        missed.Add($"[{name}] \"{set.Pairs[i].Question}\" → rank {(rank == 0 ? ">10" : rank.ToString(CultureInfo.InvariantCulture))}, first was \"{hits[0].Entry.Text}\"");
                    }
                }

                var n = (double)set.Pairs.Count;
                rows.Add(string.Create(CultureInfo.InvariantCulture,
                    $"| `{embedder.Name}` | {embedder.Dimension} | {name} | {first / n:P1} ({first}/{n}) | {top3 / n:P1} ({top3}/{n}) | {reciprocal / n:F3} | {embedMs:F0} |"));
            }

            return (rows, missed);
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            directory.Delete(recursive: true);
        }
    }

    private static EmbeddedMemory Memory(Guid id, string text, Speaker speaker, float[] vector, DateTimeOffset at) =>
        new(new MemoryEntry(id, text, speaker, "recall", at, new Dictionary<string, string>()), vector);
}
