using Grpc.Core;
using Tomodachi.Inference.V1;
using Tomodachi.Web.Feeds;

namespace Tomodachi.Web.Chat;

/// <summary>
/// The sidebar's list of conversations, most recently active first, as ConversationService pages it; renames and
/// deletes go to the service and the list is read again, so it always shows what the journal holds.
/// </summary>
public sealed class ConversationList(ConversationService.ConversationServiceClient conversations)
{
    /// <summary>Conversations per page; a refresh reads as many as are shown, up to the contract's largest page.</summary>
    public const uint PageSize = 50;
    private const uint MaxPageSize = 200;
    private static readonly TimeSpan CallTimeout = TimeSpan.FromSeconds(30);
    private readonly List<Conversation> items = [];
    private string nextPageToken = "";

    public IReadOnlyList<Conversation> Items => items;

    /// <summary>True when the service has older conversations than those shown.</summary>
    public bool HasMore => nextPageToken.Length > 0;

    /// <summary>Why the list could not be read, in words; null when it could.</summary>
    public string? Error { get; private set; }

    /// <summary>Reads the newest conversations again, as many as are shown now (at least one page).</summary>
    public async Task RefreshAsync(CancellationToken cancellationToken)
    {
        var size = Math.Clamp((uint)items.Count, PageSize, MaxPageSize);
        await LoadAsync(new ListConversationsRequest { PageSize = size }, append: false, cancellationToken);
    }

    /// <summary>Adds the next page of older conversations.</summary>
    public async Task LoadMoreAsync(CancellationToken cancellationToken)
    {
        if (HasMore)
        {
            await LoadAsync(new ListConversationsRequest { PageSize = PageSize, PageToken = nextPageToken }, append: true, cancellationToken);
        }
    }

    /// <summary>Sets a conversation's title; null when done, else why not, in words.</summary>
    public async Task<string?> RenameAsync(string sessionId, string title, CancellationToken cancellationToken)
    {
        using var timeout = Timeout(cancellationToken);
        try
        {
            var renamed = await conversations.RenameConversationAsync(
                new RenameConversationRequest { SessionId = sessionId, Title = title }, cancellationToken: timeout.Token);
            var index = items.FindIndex(c => c.SessionId == sessionId);
            if (index >= 0)
            {
                items[index] = renamed.Conversation;
            }

            return null;
        }
        catch (RpcException error)
        {
            return "Not renamed: " + FeedStatus.Describe(error, "ConversationService.RenameConversation");
        }
    }

    /// <summary>Deletes a conversation with its memories; null when done, else why not, in words.</summary>
    public async Task<string?> DeleteAsync(string sessionId, CancellationToken cancellationToken)
    {
        using var timeout = Timeout(cancellationToken);
        try
        {
            await conversations.DeleteConversationAsync(new DeleteConversationRequest { SessionId = sessionId }, cancellationToken: timeout.Token);
            items.RemoveAll(c => c.SessionId == sessionId);
            return null;
        }
        catch (RpcException error)
        {
            return "Not deleted: " + FeedStatus.Describe(error, "ConversationService.DeleteConversation");
        }
    }

    private async Task LoadAsync(ListConversationsRequest request, bool append, CancellationToken cancellationToken)
    {
        using var timeout = Timeout(cancellationToken);
        try
        {
            var page = await conversations.ListConversationsAsync(request, cancellationToken: timeout.Token);
            if (!append)
            {
                items.Clear();
            }

            // A conversation that became newer between two pages would be listed twice.
            items.AddRange(page.Conversations.Where(c => items.TrueForAll(shown => shown.SessionId != c.SessionId)));
            nextPageToken = page.NextPageToken;
            Error = null;
        }
        catch (RpcException error)
        {
            Error = "Conversations could not be listed: " + FeedStatus.Describe(error, "ConversationService.ListConversations");
        }
    }

    private static CancellationTokenSource Timeout(CancellationToken cancellationToken)
    {
        var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(CallTimeout);
        return timeout;
    }
}
