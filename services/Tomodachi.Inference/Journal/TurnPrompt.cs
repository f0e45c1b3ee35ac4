using System.Text.Json;
using Microsoft.Data.Sqlite;
using Tomodachi.Inference.Conversations;

namespace Tomodachi.Inference.Journal;

/// <summary>
/// What a turn's prompt was made of, beyond the turn's own texts, so the journal can rebuild the exact prompt later
/// (for training data): the system prompt as used then, the user message as put into the prompt (recalled memories
/// included), and, for callers that send the whole conversation, that conversation. A conversation kept by the
/// service is not stored again with every turn: it is the session's earlier turns.
/// </summary>
/// <param name="ClientHistory">Messages between the system prompt and the user message, when the caller sent them.</param>
public sealed record TurnPrompt(string SystemPrompt, string UserContent, IReadOnlyList<PromptMessage>? ClientHistory = null)
{
    /// <summary>For turns journaled before prompts were: nothing known beyond the turn itself.</summary>
    public static readonly TurnPrompt Unknown = new("", "");
}

/// <summary>The columns that hold a <see cref="TurnPrompt"/>, beside <see cref="TurnColumns"/>.</summary>
internal static class PromptColumns
{
    public const string SystemPrompt = "system_prompt";
    public const string UserContent = "user_content";
    public const string ClientHistory = "client_history";

    public static readonly IReadOnlyList<(string Name, string Definition)> All =
    [
        (SystemPrompt, "TEXT NOT NULL DEFAULT ''"),
        (UserContent, "TEXT NOT NULL DEFAULT ''"),
        (ClientHistory, "TEXT"),
    ];

    public static void Bind(SqliteCommand command, TurnPrompt prompt)
    {
        command.Parameters.AddWithValue("$" + SystemPrompt, prompt.SystemPrompt);
        command.Parameters.AddWithValue("$" + UserContent, prompt.UserContent);
        command.Parameters.AddWithValue("$" + ClientHistory,
            prompt.ClientHistory is null ? DBNull.Value : JsonSerializer.Serialize(prompt.ClientHistory));
    }

    public static IReadOnlyList<PromptMessage>? ReadClientHistory(SqliteDataReader reader, int ordinal) =>
        reader.IsDBNull(ordinal) ? null : JsonSerializer.Deserialize<PromptMessage[]>(reader.GetString(ordinal));
}
