using System.Collections.Concurrent;
using Grpc.AspNetCore.Server.Model;
using Grpc.Core;
using Tomodachi.Inference.V1;

namespace Tomodachi.Web.Tests.Backends;

/// <summary>
/// A real gRPC ConversationService over the scripted inference service's journal (see <see cref="ScriptedKnobService"/>
/// for why methods are bound by hand and virtual): conversations are the journal's sessions, most recently active
/// first, replaced turns left out, with the contract's NOT_FOUND and INVALID_ARGUMENT answers. Any method can be made
/// to fail with a status of the test's choosing.
/// </summary>
[BindServiceMethod(typeof(ScriptedConversationService), nameof(Bind))]
public class ScriptedConversationService(ScriptedInferenceService inference)
{
    private const string ServiceName = "tomodachi.inference.v1.ConversationService";
    private readonly ConcurrentDictionary<string, string> titles = new();

    /// <summary>Method name to the status it fails with.</summary>
    public ConcurrentDictionary<string, Status> Failures { get; } = new();

    public ConcurrentQueue<string> Deleted { get; } = new();

    public virtual Task<ListConversationsResponse> ListConversations(ListConversationsRequest request, ServerCallContext context)
    {
        FailIfScripted(nameof(ListConversations));
        var all = Summaries();
        var start = request.PageToken.Length == 0 ? 0 : int.Parse(request.PageToken, System.Globalization.CultureInfo.InvariantCulture);
        var size = request.PageSize == 0 ? 50 : (int)request.PageSize;
        var response = new ListConversationsResponse { Conversations = { all.Skip(start).Take(size) } };
        if (start + size < all.Count)
        {
            response.NextPageToken = (start + size).ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        return Task.FromResult(response);
    }

    public virtual Task<GetConversationResponse> GetConversation(GetConversationRequest request, ServerCallContext context)
    {
        FailIfScripted(nameof(GetConversation));
        var summary = Find(request.SessionId);
        var response = new GetConversationResponse { Conversation = summary };
        lock (inference.Journal)
        {
            response.Turns.AddRange(inference.Journal.Where(t => t.Stats.SessionId == request.SessionId && !t.Replaced).Reverse());
        }

        return Task.FromResult(response);
    }

    public virtual Task<RenameConversationResponse> RenameConversation(RenameConversationRequest request, ServerCallContext context)
    {
        FailIfScripted(nameof(RenameConversation));
        var title = request.Title.Trim();
        if (title.Length is 0 or > 200)
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, $"title must be 1 to 200 characters; it has {title.Length}."));
        }

        Find(request.SessionId);
        titles[request.SessionId] = title;
        return Task.FromResult(new RenameConversationResponse { Conversation = Find(request.SessionId) });
    }

    public virtual Task<DeleteConversationResponse> DeleteConversation(DeleteConversationRequest request, ServerCallContext context)
    {
        FailIfScripted(nameof(DeleteConversation));
        Find(request.SessionId);
        int removed;
        lock (inference.Journal)
        {
            removed = inference.Journal.RemoveAll(t => t.Stats.SessionId == request.SessionId);
        }

        Deleted.Enqueue(request.SessionId);
        return Task.FromResult(new DeleteConversationResponse { TurnsDeleted = (uint)removed });
    }

    private List<Conversation> Summaries()
    {
        lock (inference.Journal)
        {
            // The journal is newest first, so a session's first turn here is its latest.
            return inference.Journal.Where(t => !t.Replaced).GroupBy(t => t.Stats.SessionId).Select(Summary).ToList();
        }
    }

    private Conversation Summary(IGrouping<string, Turn> turns) => new()
    {
        SessionId = turns.Key,
        Title = titles.TryGetValue(turns.Key, out var title) ? title : turns.Last().UserMessage,
        TurnCount = (uint)turns.Count(),
        CreatedAt = turns.Last().Stats.StartedAt,
        LastActivityAt = turns.First().Stats.FinishedAt,
        Persona = turns.First().Stats.Persona,
    };

    private Conversation Find(string sessionId) =>
        Summaries().FirstOrDefault(c => c.SessionId == sessionId)
        ?? throw new RpcException(new Status(StatusCode.NotFound, $"No conversation has the session id '{sessionId}'."));

    private void FailIfScripted(string method)
    {
        if (Failures.TryGetValue(method, out var status))
        {
            throw new RpcException(status);
        }
    }

    public static void Bind(ServiceBinderBase binder, ScriptedConversationService? service)
    {
        binder.AddMethod(ScriptedMethod.Create(ServiceName, MethodType.Unary, "ListConversations", ListConversationsRequest.Parser, ListConversationsResponse.Parser),
            (UnaryServerMethod<ListConversationsRequest, ListConversationsResponse>)null!);
        binder.AddMethod(ScriptedMethod.Create(ServiceName, MethodType.Unary, "GetConversation", GetConversationRequest.Parser, GetConversationResponse.Parser),
            (UnaryServerMethod<GetConversationRequest, GetConversationResponse>)null!);
        binder.AddMethod(ScriptedMethod.Create(ServiceName, MethodType.Unary, "RenameConversation", RenameConversationRequest.Parser, RenameConversationResponse.Parser),
            (UnaryServerMethod<RenameConversationRequest, RenameConversationResponse>)null!);
        binder.AddMethod(ScriptedMethod.Create(ServiceName, MethodType.Unary, "DeleteConversation", DeleteConversationRequest.Parser, DeleteConversationResponse.Parser),
            (UnaryServerMethod<DeleteConversationRequest, DeleteConversationResponse>)null!);
    }
}
