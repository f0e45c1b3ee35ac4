using Grpc.Core;
using Tomodachi.Inference.V1;
using Tomodachi.Memory.V1;
using Tomodachi.Web.Feeds;

namespace Tomodachi.Web.Memories;

/// <summary>Where a memory came from: its conversation's title and, when its text is still the turn's, the turn's number.</summary>
public sealed record MemorySource(string SessionId, string Title, int? Turn);

/// <summary>
/// The Memories panel of one browser circuit: a filtered, newest-first listing of what the memory service holds, with
/// the conversation each memory came from, and the edits, pins, deletes and "forget everything" that change it. Every
/// change goes to the service and the list is read again, so it shows what is stored. Failures become words.
/// </summary>
public sealed class MemoryBrowser(MemoryService.MemoryServiceClient memory, ConversationService.ConversationServiceClient conversations)
    : IDisposable
{
    public const uint PageSize = 50;
    private const uint ConversationPageSize = 200;
    private static readonly TimeSpan CallTimeout = TimeSpan.FromSeconds(30);

    // One call at a time: filters changed in quick succession each start a listing, and the last one must win.
    private readonly SemaphoreSlim calls = new(1, 1);
    private readonly List<Tomodachi.Memory.V1.Memory> items = [];
    // Per session id: the conversation's title and its turns' texts, or null when it is no conversation.
    private readonly Dictionary<string, (string Title, List<(string UserMessage, string Reply)> Turns)?> sources = new(StringComparer.Ordinal);
    private string nextPageToken = "";

    public MemoryFilterChoice Filter { get; } = new();

    public IReadOnlyList<Tomodachi.Memory.V1.Memory> Items => items;

    /// <summary>The conversations to filter by, most recently active first.</summary>
    public IReadOnlyList<Conversation> Conversations { get; private set; } = [];

    public bool HasMore => nextPageToken.Length > 0;

    /// <summary>Why the last call failed, in words; null when it did not.</summary>
    public string? Error { get; private set; }

    /// <summary>What the last change did, in words.</summary>
    public string? Message { get; private set; }

    /// <summary>
    /// The conversation a memory came from, null for a memory of no (or a deleted) conversation. Memories carry no turn
    /// id, so its turn is the one whose message (or, for Tomodachi's words, reply) is its text; none after an edit.
    /// </summary>
    public MemorySource? SourceOf(Tomodachi.Memory.V1.Memory memory)
    {
        if (sources.GetValueOrDefault(memory.SessionId) is not { } conversation)
        {
            return null;
        }

        var index = conversation.Turns.FindIndex(t => memory.Role == MemoryRole.Assistant ? t.Reply == memory.Text : t.UserMessage == memory.Text);
        return new MemorySource(memory.SessionId, conversation.Title, index < 0 ? null : index + 1);
    }

    /// <summary>Reads the first page for the filter again, and the conversations to choose from.</summary>
    public Task RefreshAsync() => CallAsync("MemoryService.List", async ct =>
    {
        Conversations = (await conversations.ListConversationsAsync(
            new ListConversationsRequest { PageSize = ConversationPageSize }, cancellationToken: ct)).Conversations;
        sources.Clear();
        items.Clear();
        await LoadPageAsync("", ct);
        return null;
    }, clearMessage: false);

    public Task LoadMoreAsync() => CallAsync("MemoryService.List", async ct =>
    {
        await LoadPageAsync(nextPageToken, ct);
        return null;
    }, clearMessage: true);

    /// <summary>Saves new text for a memory (the service embeds it anew); the error says why when it is refused.</summary>
    public Task<bool> SaveTextAsync(string id, string text) =>
        ChangeAsync("MemoryService.Update", async ct =>
        {
            await memory.UpdateAsync(new UpdateRequest { Id = id, Text = text }, cancellationToken: ct);
            return "Saved; Tomodachi finds the memory by its new words now.";
        });

    public Task<bool> SetPinnedAsync(string id, bool pinned) =>
        ChangeAsync("MemoryService.Update", async ct =>
        {
            await memory.UpdateAsync(new UpdateRequest { Id = id, Pinned = pinned }, cancellationToken: ct);
            return pinned ? "Pinned: retention never removes it." : "Unpinned.";
        });

    public Task<bool> DeleteAsync(string id) =>
        ChangeAsync("MemoryService.Delete", async ct =>
        {
            await memory.DeleteAsync(new DeleteRequest { Id = id }, cancellationToken: ct);
            return "Deleted.";
        });

    /// <summary>Deletes every conversation and every memory (ConversationService.ForgetEverything).</summary>
    public Task<bool> ForgetEverythingAsync() =>
        ChangeAsync("ConversationService.ForgetEverything", async ct =>
        {
            var forgot = await conversations.ForgetEverythingAsync(new ForgetEverythingRequest { Confirm = true }, cancellationToken: ct);
            return $"Forgot everything: {forgot.ConversationsDeleted} conversations, {forgot.TurnsDeleted} turns and {forgot.MemoriesDeleted} memories.";
        });

    private async Task LoadPageAsync(string pageToken, CancellationToken ct)
    {
        var page = await memory.ListAsync(
            new ListRequest { PageSize = PageSize, PageToken = pageToken, Filter = Filter.ToFilter() }, cancellationToken: ct);
        items.AddRange(page.Memories);
        nextPageToken = page.NextPageToken;
        foreach (var sessionId in page.Memories.Select(m => m.SessionId).Where(s => s.Length > 0).Distinct())
        {
            if (!sources.ContainsKey(sessionId))
            {
                sources[sessionId] = await FindSourceAsync(sessionId, ct);
            }
        }
    }

    private async Task<(string Title, List<(string UserMessage, string Reply)> Turns)?> FindSourceAsync(string sessionId, CancellationToken ct)
    {
        try
        {
            var conversation = await conversations.GetConversationAsync(new GetConversationRequest { SessionId = sessionId }, cancellationToken: ct);
            return (conversation.Conversation.Title, conversation.Turns.Select(t => (t.UserMessage, t.Reply)).ToList());
        }
        catch (RpcException error) when (error.StatusCode == StatusCode.NotFound)
        {
            // Not (or no longer) a conversation: an OpenAI session, or memories stored by another client.
            return null;
        }
    }

    /// <summary>Runs a change, then lists again; true when the change was made.</summary>
    private async Task<bool> ChangeAsync(string rpc, Func<CancellationToken, Task<string>> change)
    {
        var done = false;
        await CallAsync(rpc, async ct =>
        {
            var message = await change(ct);
            done = true;
            return message;
        }, clearMessage: true);
        if (done)
        {
            var message = Message;
            await RefreshAsync();
            Message = message;
        }

        return done;
    }

    private async Task CallAsync(string rpc, Func<CancellationToken, Task<string?>> call, bool clearMessage)
    {
        using var timeout = new CancellationTokenSource(CallTimeout);
        // Bounded without a token of its own: the call ahead is bounded by its timeout.
        await calls.WaitAsync();
        try
        {
            Error = null;
            if (clearMessage)
            {
                Message = null;
            }

            Message = await call(timeout.Token) ?? Message;
        }
        catch (RpcException error)
        {
            Error = FeedStatus.Describe(error, rpc);
        }
        finally
        {
            calls.Release();
        }
    }

    public void Dispose() => calls.Dispose();
}
