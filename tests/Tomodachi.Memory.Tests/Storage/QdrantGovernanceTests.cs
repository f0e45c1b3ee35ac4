using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Qdrant.Client.Grpc;
using Tomodachi.Memory.Storage;

namespace Tomodachi.Memory.Tests.Storage;

/// <summary>
/// Listing, correcting and forgetting in Qdrant, checked on the requests the real client sends (no Qdrant server can run
/// here; see README's "not run against a server").
/// </summary>
public sealed class QdrantGovernanceTests : IAsyncLifetime
{
    private const string Alias = "tomodachi_memories";
    private static readonly EmbedderIdentity Embedder = new("lexical-hash-v1", 3);
    private static readonly DateTimeOffset T0 = new(2026, 12, 4, 10, 0, 0, TimeSpan.Zero);

    private readonly RecordingQdrant qdrant = new();
    private QdrantMemoryStore? store;

    private QdrantMemoryStore Store => store!;

    public async Task InitializeAsync()
    {
        store = new QdrantMemoryStore(qdrant.Client(), Alias, NullLogger<QdrantMemoryStore>.Instance, new FakeTimeProvider(T0));
        await store.OpenAsync(Embedder, default);
        qdrant.Requests.Clear();
    }

    public async Task DisposeAsync() => await Store.DisposeAsync();

    [Fact]
    public async Task List_scrolls_by_time_descending_from_the_cursor_and_orders_ties_by_id_itself()
    {
        var cursor = new ListCursor(Microseconds.FromTime(T0), Guid.Parse("99999999-0000-0000-0000-000000000000"));
        var a = Point(Guid.Parse("11111111-0000-0000-0000-000000000000"), "Rex the dog", T0.AddMinutes(-1));
        var b = Point(Guid.Parse("22222222-0000-0000-0000-000000000000"), "REX again", T0.AddMinutes(-1));
        var atCursorAfterIt = Point(Guid.Parse("aaaaaaaa-0000-0000-0000-000000000000"), "rex, already sent", T0);
        var atCursorBeforeIt = Point(Guid.Parse("33333333-0000-0000-0000-000000000000"), "rex at the same time", T0);
        var noMatch = Point(Guid.NewGuid(), "the cat", T0.AddMinutes(-2));
        qdrant.Points.AddRange([a, atCursorAfterIt, noMatch, b, atCursorBeforeIt]);

        var page = await Store.ListAsync(new MemoryListFilter(TextContains: "rex", SessionId: "s1", PinnedOnly: true), cursor, 10, default);

        Assert.Equal(["rex at the same time", "REX again", "Rex the dog"], page.Select(e => e.Text));
        var scroll = Assert.Single(qdrant.Sent<ScrollPoints>());
        Assert.Equal(Alias, scroll.CollectionName);
        Assert.Equal(("created_at_us", Direction.Desc), (scroll.OrderBy.Key, scroll.OrderBy.Direction));
        Assert.Contains(scroll.Filter.Must, c => c.Field.Key == "session_id" && c.Field.Match.Keyword == "s1");
        Assert.Contains(scroll.Filter.Must, c => c.Field.Key == "pinned" && c.Field.Match.Boolean);
        Assert.Contains(scroll.Filter.Must, c => c.Field.Key == "created_at_us" && c.Field.Range.Lte == cursor.CreatedAtMicroseconds);
    }

    [Fact]
    public async Task Expiry_by_age_deletes_only_unpinned_points_older_than_the_limit()
    {
        await Store.DeleteExpiredAsync(T0.AddDays(-30), null, default);

        var delete = Assert.Single(qdrant.Sent<DeletePoints>());
        var filter = delete.Points.Filter;
        Assert.Contains(filter.MustNot, c => c.Field.Key == "pinned" && c.Field.Match.Boolean);
        Assert.Contains(filter.Must, c => c.Field.Key == "created_at_us" && c.Field.Range.Lt == Microseconds.FromTime(T0.AddDays(-30)));
        Assert.True(qdrant.Requests.IndexOf(qdrant.Sent<CountPoints>()[0]) < qdrant.Requests.IndexOf(delete));
    }

    [Fact]
    public async Task Deleting_all_deletes_with_a_filter_that_matches_every_point()
    {
        await Store.DeleteAllAsync(default);

        var delete = Assert.Single(qdrant.Sent<DeletePoints>());
        Assert.Equal(Alias, delete.CollectionName);
        Assert.Empty(delete.Points.Filter.Must);
        Assert.Empty(delete.Points.Filter.MustNot);
    }

    [Fact]
    public async Task Pinning_sets_the_payload_flag_and_writes_no_vector()
    {
        var id = Guid.NewGuid();
        qdrant.Points.Add(Point(id, "my dog is called Rex", T0));

        Assert.True(await Store.UpdateAsync(id, new MemoryChange(null, null, null, Pinned: true), default));

        var set = Assert.Single(qdrant.Sent<SetPayloadPoints>());
        Assert.True(set.Payload["pinned"].BoolValue);
        Assert.Equal(id.ToString(), Assert.Single(set.PointsSelector.Points.Ids).Uuid);
        Assert.Empty(qdrant.Sent<UpsertPoints>());
    }

    [Fact]
    public async Task New_text_rewrites_the_point_with_its_new_vector_and_keeps_the_rest()
    {
        var id = Guid.NewGuid();
        qdrant.Points.Add(Point(id, "my dog is called Rex", T0));

        Assert.True(await Store.UpdateAsync(id, new MemoryChange("my parrot is Polly", [0f, 1f, 0f], null, null), default));

        var point = Assert.Single(Assert.Single(qdrant.Sent<UpsertPoints>()).Points);
        Assert.Equal("my parrot is Polly", point.Payload["text"].StringValue);
        Assert.Equal("s1", point.Payload["session_id"].StringValue);
        Assert.Equal([0f, 1f, 0f], point.Vectors.Vector.Dense.Data);
    }

    [Fact]
    public async Task Updating_an_unknown_point_writes_nothing()
    {
        Assert.False(await Store.UpdateAsync(Guid.NewGuid(), new MemoryChange("new", [1f, 0f, 0f], null, true), default));

        Assert.Empty(qdrant.Sent<UpsertPoints>());
        Assert.Empty(qdrant.Sent<SetPayloadPoints>());
    }

    private static RetrievedPoint Point(Guid id, string text, DateTimeOffset createdAt) => new()
    {
        Id = id,
        Payload =
        {
            ["text"] = text,
            ["role"] = 1L,
            ["session_id"] = "s1",
            ["created_at_us"] = Microseconds.FromTime(createdAt),
        },
    };
}
