using System.Text;
using Grpc.Core;
using Microsoft.Extensions.Options;
using Tomodachi.Inference.Configuration;
using Tomodachi.Inference.Conversations;
using Tomodachi.Inference.Generation;
using Tomodachi.Inference.Models;
using Tomodachi.Inference.Orchestration;
using Tomodachi.Inference.V1;

namespace Tomodachi.Inference.Grpc;

/// <summary>
/// Validates Chat and Complete requests and turns them into a <see cref="ChatTurn"/>; every refusal is an
/// INVALID_ARGUMENT that says which field is wrong and what it may be.
/// </summary>
public sealed class ChatRequestReader(IModelManager models, PersonaCatalog personas, IOptions<InferenceOptions> options)
{
    public const int MaxStopSequences = 4;
    public const int MaxStopSequenceBytes = 64;

    /// <summary>A whole conversation sent to Complete may be this large; the context decides how much of it is used.</summary>
    public const int MaxConversationBytes = 1 << 20;

    public ChatTurn Read(ChatRequest request)
    {
        RequireSessionId(request.SessionId, "session_id");
        RequireMessage(request.Message, "message");
        if (!request.PrivateChat && request.History.Count > 0)
        {
            throw InvalidArgument("history is for a private chat only (private_chat); the service keeps every other conversation's history itself.");
        }

        if (request.PrivateChat && request.ReplaceLastTurn)
        {
            throw InvalidArgument("replace_last_turn needs a kept conversation, and a private chat keeps nothing; send history without the turn to replace.");
        }

        return new ChatTurn(request.SessionId, request.Message, Persona(request.Persona), MaxTokens(request.HasMaxTokens, request.MaxTokens),
            Sampling(request.Sampling))
        {
            Stop = Stops(request.Stop),
            ReplaceLastTurn = request.ReplaceLastTurn,
            Private = request.PrivateChat,
            Listed = !request.PrivateChat,
            ClientConversation = request.PrivateChat ? new ClientConversation("", PrivateHistory(request.History)) : null,
        };
    }

    /// <summary>A private chat's earlier turns, which the caller keeps because the service keeps nothing of them.</summary>
    private static IReadOnlyList<HistoryTurn> PrivateHistory(IList<Message> history)
    {
        if (history.Any(m => m.Role is not (MessageRole.User or MessageRole.Assistant)))
        {
            throw InvalidArgument("Every history message needs the role user or assistant.");
        }

        RequireConversationSize(history, "history");
        return Turns(history);
    }

    public ChatTurn Read(CompleteRequest request)
    {
        if (request.Messages.Count == 0)
        {
            throw InvalidArgument("messages is empty; send at least one user message.");
        }

        if (request.Messages.Any(m => m.Role is not (MessageRole.System or MessageRole.User or MessageRole.Assistant)))
        {
            throw InvalidArgument("Every message needs a role: system, user or assistant.");
        }

        var last = request.Messages[^1];
        if (last.Role != MessageRole.User)
        {
            throw InvalidArgument($"The last message must be the user's; it is {Role(last.Role)}'s.");
        }

        RequireMessage(last.Content, "the last message");
        RequireConversationSize(request.Messages, "messages");

        if (!Enum.IsDefined(request.ReplyFormat))
        {
            throw InvalidArgument($"reply_format {(int)request.ReplyFormat} is not a known format; use text or JSON object.");
        }

        var companion = request.Persona.Length > 0;
        if (request.SessionId.Length > 0)
        {
            RequireSessionId(request.SessionId, "session_id");
            if (!companion)
            {
                throw InvalidArgument("session_id needs a persona: a plain chat with the model keeps no conversation.");
            }
        }

        var (system, history) = Split(request.Messages);
        var listed = request.SessionId.Length > 0;
        return new ChatTurn(listed ? request.SessionId : "openai-" + Guid.NewGuid().ToString("N"), last.Content,
            Persona(request.Persona), MaxTokens(request.HasMaxTokens, request.MaxTokens), Sampling(request.Sampling))
        {
            Stop = Stops(request.Stop),
            Grammar = request.ReplyFormat == ReplyFormat.JsonObject ? JsonGrammar.Object : null,
            Source = TurnSource.Openai,
            Companion = companion,
            Listed = listed,
            ClientConversation = new ClientConversation(system, history),
        };
    }

    /// <summary>
    /// The leading system messages become the system text; the rest, up to the last (user) message, the history.
    /// </summary>
    private static (string System, IReadOnlyList<HistoryTurn> History) Split(IList<Message> messages)
    {
        var leading = messages.TakeWhile(m => m.Role == MessageRole.System).ToList();
        return (string.Join("\n\n", leading.Select(m => m.Content)), Turns(messages.Skip(leading.Count).Take(messages.Count - leading.Count - 1)));
    }

    /// <summary>Messages grouped into turns that each start at a user message, so the oldest can be dropped whole.</summary>
    private static IReadOnlyList<HistoryTurn> Turns(IEnumerable<Message> messages)
    {
        var turns = new List<List<PromptMessage>>();
        foreach (var message in messages)
        {
            if (message.Role == MessageRole.User || turns.Count == 0)
            {
                turns.Add([]);
            }

            turns[^1].Add(new PromptMessage(Role(message.Role), message.Content));
        }

        return [.. turns.Select(t => new HistoryTurn(t))];
    }

    private static void RequireConversationSize(IEnumerable<Message> messages, string field)
    {
        var bytes = messages.Sum(m => (long)Encoding.UTF8.GetByteCount(m.Content));
        if (bytes > MaxConversationBytes)
        {
            throw InvalidArgument($"{field} hold {bytes} bytes; the limit is {MaxConversationBytes} bytes.");
        }
    }

    private static string Role(MessageRole role) => role switch
    {
        MessageRole.System => PromptMessage.System,
        MessageRole.Assistant => PromptMessage.Assistant,
        _ => PromptMessage.User,
    };

    private static void RequireSessionId(string sessionId, string field)
    {
        if (!SessionIds.IsValid(sessionId))
        {
            throw InvalidArgument($"{field} must be {SessionIds.Rule}.");
        }
    }

    private void RequireMessage(string message, string field)
    {
        if (string.IsNullOrWhiteSpace(message))
        {
            throw InvalidArgument($"{field} is empty; send some text.");
        }

        var bytes = Encoding.UTF8.GetByteCount(message);
        if (bytes > options.Value.MaxMessageBytes)
        {
            throw InvalidArgument($"{field} is {bytes} bytes; the limit is {options.Value.MaxMessageBytes} bytes.");
        }
    }

    private string? Persona(string persona)
    {
        if (persona.Length > 0 && personas.Find(persona) is null)
        {
            throw InvalidArgument($"Unknown persona '{UserInput.Excerpt(persona)}'; known personas: {string.Join(", ", personas.All.Select(p => p.Name))}.");
        }

        return persona.Length > 0 ? persona : null;
    }

    private int? MaxTokens(bool hasMaxTokens, uint maxTokens)
    {
        var context = models.Describe() is { Loaded: true } model ? model.ContextLength : (uint)options.Value.ContextSize;
        if (hasMaxTokens && (maxTokens == 0 || maxTokens > context))
        {
            throw InvalidArgument($"max_tokens must be between 1 and the context length {context}; got {maxTokens}.");
        }

        return hasMaxTokens ? (int)maxTokens : null;
    }

    private static IReadOnlyList<string> Stops(IList<string> stops)
    {
        if (stops.Count > MaxStopSequences)
        {
            throw InvalidArgument($"stop holds {stops.Count} sequences; at most {MaxStopSequences} are allowed.");
        }

        foreach (var stop in stops)
        {
            if (stop.Length == 0 || Encoding.UTF8.GetByteCount(stop) > MaxStopSequenceBytes)
            {
                throw InvalidArgument($"Each stop sequence must be 1 to {MaxStopSequenceBytes} bytes; '{UserInput.Excerpt(stop)}' is not.");
            }
        }

        return [.. stops];
    }

    private static SamplingOverrides? Sampling(Sampling? sampling)
    {
        if (sampling is null)
        {
            return null;
        }

        if (sampling.HasTemperature && sampling.Temperature is < 0 or > 5 or float.NaN)
        {
            throw InvalidArgument($"sampling.temperature must be between 0 and 5; got {sampling.Temperature}.");
        }

        if (sampling.HasTopP && !(sampling.TopP is > 0 and <= 1))
        {
            throw InvalidArgument($"sampling.top_p must be in (0, 1]; got {sampling.TopP}.");
        }

        if (sampling.HasRepeatPenalty && !(sampling.RepeatPenalty is > 0 and <= 5))
        {
            throw InvalidArgument($"sampling.repeat_penalty must be in (0, 5]; got {sampling.RepeatPenalty}.");
        }

        return new SamplingOverrides(
            sampling.HasTemperature ? sampling.Temperature : null,
            sampling.HasTopP ? sampling.TopP : null,
            sampling.HasTopK ? (int)Math.Min(sampling.TopK, int.MaxValue) : null,
            sampling.HasRepeatPenalty ? sampling.RepeatPenalty : null,
            sampling.HasSeed ? sampling.Seed : null);
    }

    private static RpcException InvalidArgument(string message) => new(new Status(StatusCode.InvalidArgument, message));
}
