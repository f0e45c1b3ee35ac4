using Grpc.Core;
using Tomodachi.Inference.Conversations;
using Tomodachi.Inference.Journal;
using Tomodachi.Inference.Memory;
using Tomodachi.Inference.Models;
using Tomodachi.Inference.V1;

namespace Tomodachi.Inference.Grpc;

/// <summary>
/// The gRPC surface of conversations: validates input, maps journal results to messages and failures to status
/// codes. A delete (of one conversation, or of everything) stops the replies first, then removes the memories, then the
/// turns, so a failure part-way leaves the conversations whole rather than half gone.
/// </summary>
public sealed class ConversationGrpcService(
    IConversationStore conversations,
    IMemoryRecall memory,
    ActiveReplies replies,
    IModelManager models,
    ILogger<ConversationGrpcService> logger)
    : ConversationService.ConversationServiceBase
{
    public override async Task<ListConversationsResponse> ListConversations(ListConversationsRequest request, ServerCallContext context)
    {
        try
        {
            return await conversations.ListConversationsAsync(request, context.CancellationToken);
        }
        catch (ArgumentException e)
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, e.Message));
        }
    }

    public override async Task<GetConversationResponse> GetConversation(GetConversationRequest request, ServerCallContext context) =>
        await conversations.GetConversationAsync(SessionId(request.SessionId), context.CancellationToken) ?? throw NotFound(request.SessionId);

    public override async Task<RenameConversationResponse> RenameConversation(RenameConversationRequest request, ServerCallContext context)
    {
        var title = request.Title.Trim();
        if (title.Length is 0 or > ConversationTitle.MaxLength)
        {
            throw InvalidArgument($"title must be 1 to {ConversationTitle.MaxLength} characters; it has {title.Length}.");
        }

        var renamed = await conversations.RenameConversationAsync(SessionId(request.SessionId), title, context.CancellationToken);
        return new RenameConversationResponse { Conversation = renamed ?? throw NotFound(request.SessionId) };
    }

    public override async Task<DeleteConversationResponse> DeleteConversation(DeleteConversationRequest request, ServerCallContext context)
    {
        var sessionId = SessionId(request.SessionId);
        if (await conversations.GetConversationAsync(sessionId, context.CancellationToken) is null)
        {
            throw NotFound(sessionId);
        }

        await replies.StopAsync(sessionId);
        var memories = await DeleteMemoriesAsync(() => memory.DeleteSessionAsync(sessionId, context.CancellationToken));

        var turns = await conversations.DeleteConversationAsync(sessionId, CancellationToken.None) ?? 0;
        logger.LogInformation("Deleted a conversation: {Turns} turns, {Memories} memories", turns, memories);
        return new DeleteConversationResponse { TurnsDeleted = (uint)turns, MemoriesDeleted = (uint)memories };
    }

    public override async Task<ForgetEverythingResponse> ForgetEverything(ForgetEverythingRequest request, ServerCallContext context)
    {
        if (!request.Confirm)
        {
            throw InvalidArgument("confirm must be true: forgetting everything deletes every conversation and memory and cannot be undone.");
        }

        await replies.StopAllAsync();
        var memories = await DeleteMemoriesAsync(() => memory.DeleteAllAsync(context.CancellationToken));
        var (conversationCount, turns) = await conversations.DeleteEverythingAsync(CancellationToken.None);
        ForgetCachedPrompts();
        logger.LogInformation("Forgot everything: {Conversations} conversations, {Turns} turns, {Memories} memories", conversationCount, turns, memories);
        return new ForgetEverythingResponse { ConversationsDeleted = (uint)conversationCount, TurnsDeleted = (uint)turns, MemoriesDeleted = (ulong)memories };
    }

    public override async Task<ExportConversationResponse> ExportConversation(ExportConversationRequest request, ServerCallContext context)
    {
        if (request.Format is not (ExportFormat.Markdown or ExportFormat.Json))
        {
            throw InvalidArgument("format must be EXPORT_FORMAT_MARKDOWN or EXPORT_FORMAT_JSON.");
        }

        var conversation = await conversations.GetConversationAsync(SessionId(request.SessionId), context.CancellationToken)
            ?? throw NotFound(request.SessionId);
        return ConversationExport.Render(conversation, request.Format);
    }

    /// <summary>
    /// The slots' prompt cache keeps the tokens of the last conversations for reuse; forgetting everything drops them
    /// too, so no later prompt is served from what was said before.
    /// </summary>
    private void ForgetCachedPrompts()
    {
        using var lease = models.TryAcquire();
        lease?.Model.Engine.Cache.ClearAll();
    }

    /// <summary>Memories go first: when the memory service cannot delete them, nothing is deleted at all.</summary>
    private static async Task<long> DeleteMemoriesAsync(Func<Task<long>> delete)
    {
        try
        {
            return await delete();
        }
        catch (MemoryUnavailableException e)
        {
            throw new RpcException(new Status(StatusCode.Unavailable, e.Message));
        }
    }

    private static string SessionId(string sessionId) =>
        SessionIds.IsValid(sessionId) ? sessionId : throw InvalidArgument($"session_id must be {SessionIds.Rule}.");

    private static RpcException NotFound(string sessionId) =>
        new(new Status(StatusCode.NotFound, $"No conversation has the session id '{UserInput.Excerpt(sessionId)}'."));

    private static RpcException InvalidArgument(string message) => new(new Status(StatusCode.InvalidArgument, message));
}
