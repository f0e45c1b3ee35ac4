using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Qdrant.Client.Grpc;
using Tomodachi.Memory.Storage;

namespace Tomodachi.Memory.Tests.Storage;

/// <summary>
/// Qdrant re-embedding never deletes the live collection before its successor is complete: it fills a new collection,
/// switches the alias in one request, then drops the old one. Checked on the requests the real client sends.
/// </summary>
public sealed class QdrantAliasSwapTests
{
    private const string Alias = "tomodachi_memories";
    private static readonly EmbedderIdentity Old = new("lexical-hash-v1", 384);
    private static readonly EmbedderIdentity New = new("onnx:all-MiniLM-L6-v2", 384);

    private readonly RecordingQdrant qdrant = new();
    private readonly FakeTimeProvider time = new(new DateTimeOffset(2026, 12, 4, 10, 0, 0, TimeSpan.Zero));

    [Fact]
    public async Task A_new_store_creates_a_timestamped_collection_and_points_the_alias_at_it()
    {
        await using var store = Open();

        Assert.Equal(Old, await store.OpenAsync(Old, default));

        var created = Assert.Single(qdrant.Sent<CreateCollection>());
        Assert.Equal($"{Alias}_20261204100000000", created.CollectionName);
        Assert.Equal(Distance.Cosine, created.VectorsConfig.Params.Distance);
        Assert.Equal(384ul, created.VectorsConfig.Params.Size);
        Assert.Equal(Old.Name, created.Metadata["embedder"].StringValue);
        var alias = Assert.Single(Assert.Single(qdrant.Sent<ChangeAliases>()).Actions).CreateAlias;
        Assert.Equal((Alias, created.CollectionName), (alias.AliasName, alias.CollectionName));
    }

    [Fact]
    public async Task Completing_switches_the_alias_in_one_request_before_dropping_the_old_collection()
    {
        await using var store = Open();
        var (old, next) = await ReembedAsync(store, livePoints: 5, newPoints: 5);

        Assert.True(await store.CompleteReembeddingAsync(default));

        var switched = Assert.Single(qdrant.Sent<ChangeAliases>());
        Assert.Equal(2, switched.Actions.Count);
        Assert.Equal(Alias, switched.Actions[0].DeleteAlias.AliasName);
        Assert.Equal((Alias, next), (switched.Actions[1].CreateAlias.AliasName, switched.Actions[1].CreateAlias.CollectionName));
        Assert.Equal(old, Assert.Single(qdrant.Sent<DeleteCollection>()).CollectionName);
        Assert.True(qdrant.Requests.IndexOf(switched) < qdrant.Requests.IndexOf(qdrant.Sent<DeleteCollection>()[0]));
        Assert.Equal(next, qdrant.Aliases[Alias]);
    }

    [Fact]
    public async Task An_incomplete_new_collection_leaves_the_alias_and_the_old_collection_alone()
    {
        await using var store = Open();
        var (old, _) = await ReembedAsync(store, livePoints: 5, newPoints: 4);

        Assert.False(await store.CompleteReembeddingAsync(default));

        Assert.Empty(qdrant.Sent<ChangeAliases>());
        Assert.Empty(qdrant.Sent<DeleteCollection>());
        Assert.Equal(old, qdrant.Aliases[Alias]);
    }

    [Fact]
    public async Task A_restart_finds_the_unfinished_collection_and_goes_on_with_it()
    {
        await using (var first = Open())
        {
            await first.OpenAsync(Old, default);
            time.Advance(TimeSpan.FromMinutes(1));
            await first.BeginReembeddingAsync(New, default);
        }

        var next = qdrant.Sent<CreateCollection>()[^1].CollectionName;
        qdrant.Requests.Clear();
        await using var second = Open();

        Assert.Equal(Old, await second.OpenAsync(New, default));
        Assert.Equal(New, (await second.GetReembeddingAsync(default))!.Target);
        await second.BeginReembeddingAsync(New, default);
        Assert.Empty(qdrant.Sent<CreateCollection>());
        Assert.Empty(qdrant.Sent<DeleteCollection>());
        Assert.Contains(next, qdrant.Collections.Keys);
    }

    [Fact]
    public async Task A_collection_made_before_aliases_is_replaced_and_the_alias_takes_its_name()
    {
        qdrant.Collections[Alias] = (new Dictionary<string, Value> { ["embedder"] = Old.Name, ["dimension"] = (long)Old.Dimension }, 3);
        await using var store = Open();
        Assert.Equal(Old, await store.OpenAsync(New, default));
        await store.BeginReembeddingAsync(New, default);
        var next = qdrant.Sent<CreateCollection>()[^1].CollectionName;
        qdrant.Collections[next] = (qdrant.Collections[next].Metadata, 3);
        qdrant.Requests.Clear();

        Assert.True(await store.CompleteReembeddingAsync(default));

        Assert.Equal(Alias, Assert.Single(qdrant.Sent<DeleteCollection>()).CollectionName);
        Assert.Equal(next, qdrant.Aliases[Alias]);
        Assert.DoesNotContain(Alias, qdrant.Collections.Keys);
    }

    /// <summary>A store with <paramref name="livePoints"/> points, re-embedding into a collection that holds <paramref name="newPoints"/>.</summary>
    private async Task<(string Old, string Next)> ReembedAsync(QdrantMemoryStore store, ulong livePoints, ulong newPoints)
    {
        await store.OpenAsync(Old, default);
        var old = qdrant.Aliases[Alias];
        qdrant.Collections[old] = (qdrant.Collections[old].Metadata, livePoints);
        time.Advance(TimeSpan.FromMinutes(1));
        await store.BeginReembeddingAsync(New, default);
        var next = qdrant.Sent<CreateCollection>()[^1].CollectionName;
        qdrant.Collections[next] = (qdrant.Collections[next].Metadata, newPoints);
        qdrant.Requests.Clear();
        return (old, next);
    }

    private QdrantMemoryStore Open() => new(qdrant.Client(), Alias, NullLogger<QdrantMemoryStore>.Instance, time);
}
