using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.RegularExpressions;
using Google.Protobuf;
using Tomodachi.Inference.V1;

namespace Tomodachi.Inference.Conversations;

/// <summary>Renders a conversation as a Markdown or JSON file the owner can keep or share.</summary>
public static partial class ConversationExport
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        // A data file, never HTML: non-ASCII text stays readable.
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public static ExportConversationResponse Render(GetConversationResponse conversation, ExportFormat format)
    {
        var markdown = format == ExportFormat.Markdown;
        return new ExportConversationResponse
        {
            FileName = FileStem(conversation.Conversation.Title) + (markdown ? ".md" : ".json"),
            ContentType = markdown ? "text/markdown; charset=utf-8" : "application/json",
            Content = ByteString.CopyFromUtf8(markdown ? Markdown(conversation) : JsonDocument(conversation)),
        };
    }

    private static string Markdown(GetConversationResponse conversation)
    {
        var summary = conversation.Conversation;
        var text = new StringBuilder("# ").Append(summary.Title.ReplaceLineEndings(" ")).Append("\n\n")
            .Append("_Exported from Tomodachi: ").Append(summary.TurnCount).Append(" turns, started ")
            .Append(summary.CreatedAt.ToDateTimeOffset().ToString("u")).Append("._\n");
        foreach (var turn in conversation.Turns)
        {
            text.Append("\n## You\n\n").Append(turn.UserMessage).Append('\n')
                .Append("\n## Tomodachi (").Append(turn.Stats.Persona.Length > 0 ? turn.Stats.Persona : turn.Stats.ModelId).Append(")\n\n")
                .Append(turn.Reply).Append('\n');
        }

        return text.ToString();
    }

    private static string JsonDocument(GetConversationResponse conversation)
    {
        var summary = conversation.Conversation;
        return JsonSerializer.Serialize(new
        {
            sessionId = summary.SessionId,
            title = summary.Title,
            createdAt = summary.CreatedAt.ToDateTimeOffset(),
            lastActivityAt = summary.LastActivityAt.ToDateTimeOffset(),
            turns = conversation.Turns.Select(turn => new
            {
                turnId = turn.Stats.TurnId,
                startedAt = turn.Stats.StartedAt.ToDateTimeOffset(),
                user = turn.UserMessage,
                assistant = turn.Reply,
                persona = turn.Stats.Persona,
                model = turn.Stats.ModelId,
                recalledMemories = turn.RecalledMemories,
                promptTokens = turn.Stats.PromptTokens,
                completionTokens = turn.Stats.CompletionTokens,
                stopReason = turn.Stats.StopReason.ToString(),
            }),
        }, Json);
    }

    /// <summary>The title as a safe file name: letters, digits and dashes, never empty.</summary>
    private static string FileStem(string title)
    {
        var stem = NotFileSafe().Replace(title.ToLowerInvariant(), "-").Trim('-');
        return stem.Length == 0 ? "conversation" : stem[..Math.Min(stem.Length, 60)].TrimEnd('-');
    }

    [GeneratedRegex(@"[^\p{L}\p{Nd}]+")]
    private static partial Regex NotFileSafe();
}
