using Tomodachi.Memory.Embeddings;
using Tomodachi.Memory.Storage;

namespace Tomodachi.Memory.Tests.Contract;

/// <summary>What every backend must do to let the owner browse, correct and forget memories.</summary>
public abstract partial class MemoryStoreContract
{
    [ContractFact]
    public async Task List_pages_newest_first_and_orders_equal_times_by_id()
    {
        var memories = new List<EmbeddedMemory>();
        for (var i = 0; i < 7; i++)
        {
            // Pairs share a time, as an exchange stored in one batch does.
            memories.Add(await Memory($"memory {i}", createdAt: T0.AddMinutes(i / 2)));
        }

        await Store.UpsertAsync(memories, default);
        var expected = memories.Select(m => m.Entry)
            .OrderByDescending(e => e.CreatedAt).ThenByDescending(e => e.Id.ToString()).Select(e => e.Id).ToList();

        var seen = new List<Guid>();
        ListCursor? cursor = null;
        for (var page = 0; page < 10; page++)
        {
            var entries = await Store.ListAsync(MemoryListFilter.None, cursor, 3, default);
            seen.AddRange(entries.Select(e => e.Id));
            if (entries.Count < 3)
            {
                break;
            }

            cursor = new ListCursor(Microseconds.FromTime(entries[^1].CreatedAt), entries[^1].Id);
        }

        Assert.Equal(expected, seen);
    }

    [ContractFact]
    public async Task List_filters_by_text_ignoring_case_session_role_origin_time_and_pin()
    {
        var rex = await Memory("My dog is called REX", Speaker.User, "s1", T0.AddHours(1));
        await Store.UpsertAsync([
            rex,
            await Memory("rex likes the park", Speaker.Assistant, "s2", T0.AddHours(2)),
            await Memory("the cat sleeps", Speaker.User, "s1", T0.AddHours(3)),
        ], default);
        var imported = await Memory("an imported rex", Speaker.Note, "", T0);
        await Store.UpsertAsync([imported with { Entry = imported.Entry with { Origin = Origin.Imported, Pinned = true } }], default);

        async Task<string[]> Texts(MemoryListFilter filter) =>
            (await Store.ListAsync(filter, null, 10, default)).Select(e => e.Text).ToArray();

        Assert.Equal(["rex likes the park", "My dog is called REX", "an imported rex"], await Texts(new(TextContains: "Rex")));
        Assert.Equal(["the cat sleeps", "My dog is called REX"], await Texts(new(SessionId: "s1")));
        Assert.Equal(["rex likes the park"], await Texts(new(Speaker: Speaker.Assistant)));
        Assert.Equal(["an imported rex"], await Texts(new(Origin: Origin.Imported)));
        Assert.Equal(3, (await Texts(new(Origin: Origin.Stored))).Length);
        Assert.Equal(["rex likes the park", "My dog is called REX"], await Texts(new(CreatedAfter: T0.AddHours(1), CreatedBefore: T0.AddHours(3))));
        Assert.Equal(["an imported rex"], await Texts(new(PinnedOnly: true)));
    }

    [ContractFact]
    public async Task Update_replaces_the_text_and_vector_so_search_finds_the_new_text()
    {
        var memory = await Memory("my dog is called Rex", Speaker.User, "s1");
        await Store.UpsertAsync([memory, await Memory("I had pizza for lunch")], default);
        var corrected = "my parrot is called Polly";

        Assert.True(await Store.UpdateAsync(memory.Entry.Id, new MemoryChange(corrected, LexicalEmbedder.Embed(corrected), null, null), default));

        var read = await Store.GetAsync(memory.Entry.Id, default);
        Assert.Equal((corrected, Speaker.User, "s1", false), (read!.Text, read.Speaker, read.SessionId, read.Pinned));
        var hit = (await Store.SearchAsync(LexicalEmbedder.Embed("parrot Polly"), 1, MemoryFilter.None, default)).Single();
        Assert.Equal(memory.Entry.Id, hit.Entry.Id);
        Assert.Equal(corrected, hit.Entry.Text);
    }

    [ContractFact]
    public async Task Update_pins_and_unpins_without_touching_the_text()
    {
        var memory = await Memory("my dog is called Rex");
        await Store.UpsertAsync([memory], default);

        Assert.True(await Store.UpdateAsync(memory.Entry.Id, new MemoryChange(null, null, null, Pinned: true), default));
        Assert.True((await Store.GetAsync(memory.Entry.Id, default))!.Pinned);
        Assert.True(await Store.UpdateAsync(memory.Entry.Id, new MemoryChange(null, null, null, Pinned: false), default));

        var read = await Store.GetAsync(memory.Entry.Id, default);
        Assert.False(read!.Pinned);
        Assert.Equal("my dog is called Rex", read.Text);
    }

    [ContractFact]
    public async Task Update_of_an_unknown_id_changes_nothing_and_says_so()
    {
        Assert.False(await Store.UpdateAsync(Guid.NewGuid(), new MemoryChange(null, null, null, Pinned: true), default));
        Assert.Empty(await Store.ListAsync(MemoryListFilter.None, null, 10, default));
    }

    [ContractFact]
    public async Task Deleting_all_removes_every_memory_pinned_ones_too()
    {
        var pinned = await Memory("pinned one");
        await Store.UpsertAsync([await Memory("one", sessionId: "a"), await Memory("two", sessionId: "b"),
            pinned with { Entry = pinned.Entry with { Pinned = true } }], default);

        Assert.Equal(3, await Store.DeleteAllAsync(default));

        Assert.Empty(await Store.ListAsync(MemoryListFilter.None, null, 10, default));
        Assert.Empty(await Store.SearchAsync(LexicalEmbedder.Embed("one"), 5, MemoryFilter.None, default));
        Assert.Equal(0, (await Store.GetFiguresAsync(default)).Count);
    }

    [ContractFact]
    public async Task Expiry_by_age_and_count_spares_pinned_memories()
    {
        var ancientPinned = await Memory("ancient but pinned", createdAt: T0.AddDays(-400));
        await Store.UpsertAsync([
            ancientPinned with { Entry = ancientPinned.Entry with { Pinned = true } },
            await Memory("ancient", createdAt: T0.AddDays(-400)),
            await Memory("older", createdAt: T0.AddDays(-2)),
            await Memory("old", createdAt: T0.AddDays(-1)),
            await Memory("new", createdAt: T0),
        ], default);

        Assert.Equal(1, await Store.DeleteExpiredAsync(T0.AddDays(-30), null, default));
        Assert.Equal(1, await Store.DeleteExpiredAsync(null, 2, default));

        var left = (await Store.ListAsync(MemoryListFilter.None, null, 10, default)).Select(e => e.Text);
        Assert.Equal(["new", "old", "ancient but pinned"], left);
    }
}
