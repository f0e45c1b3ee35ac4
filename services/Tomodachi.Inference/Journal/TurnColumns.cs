using System.Text.Json;
using Google.Protobuf.Reflection;
using Google.Protobuf.WellKnownTypes;
using Microsoft.Data.Sqlite;
using Tomodachi.Inference.V1;

namespace Tomodachi.Inference.Journal;

/// <summary>
/// The one place that maps a <see cref="Turn"/> to the columns of the <c>turns</c> table. Every TurnStats field
/// has its own column so the journal can be queried and analysed with plain SQL; the schema, the insert and the
/// select are all generated from this list, so they cannot drift apart.
/// </summary>
internal static class TurnColumns
{
    internal sealed record Column(string Name, string Definition, Func<Turn, object> Get, Action<Turn, SqliteDataReader, int> Set);

    public const string StartedAt = "started_at_unix_ns";
    public const string SessionId = "session_id";
    public const string Replaced = "replaced";
    public const string HistoryTurns = "history_turns";
    public const string HistoryDroppedTurns = "history_dropped_turns";

    // Declared before All: static fields are initialised in order.
    private static readonly EnumDescriptor StopReasons = TurnStats.Descriptor.FindFieldByNumber(TurnStats.StopReasonFieldNumber).EnumType;
    private static readonly EnumDescriptor Sources = TurnStats.Descriptor.FindFieldByNumber(TurnStats.SourceFieldNumber).EnumType;

    public static readonly IReadOnlyList<Column> All =
    [
        new("turn_id", "TEXT NOT NULL UNIQUE", t => t.Stats.TurnId, (t, r, i) => t.Stats.TurnId = r.GetString(i)),
        new(SessionId, "TEXT NOT NULL", t => t.Stats.SessionId, (t, r, i) => t.Stats.SessionId = r.GetString(i)),
        new(StartedAt, "INTEGER NOT NULL", t => ToUnixNanoseconds(t.Stats.StartedAt), (t, r, i) => t.Stats.StartedAt = FromUnixNanoseconds(r.GetInt64(i))),
        new("finished_at_unix_ns", "INTEGER", t => t.Stats.FinishedAt is { } at ? ToUnixNanoseconds(at) : DBNull.Value,
            (t, r, i) => t.Stats.FinishedAt = r.IsDBNull(i) ? null : FromUnixNanoseconds(r.GetInt64(i))),
        new("model_id", "TEXT NOT NULL", t => t.Stats.ModelId, (t, r, i) => t.Stats.ModelId = r.GetString(i)),
        new("persona", "TEXT NOT NULL", t => t.Stats.Persona, (t, r, i) => t.Stats.Persona = r.GetString(i)),
        new("adapter", "TEXT NOT NULL", t => t.Stats.Adapter, (t, r, i) => t.Stats.Adapter = r.GetString(i)),
        new("demo", "INTEGER NOT NULL", t => t.Stats.Demo, (t, r, i) => t.Stats.Demo = r.GetBoolean(i)),
        // Stored by its proto name so SQL readers need no lookup table.
        new("stop_reason", "TEXT NOT NULL", t => StopReasonName(t.Stats.StopReason), (t, r, i) => t.Stats.StopReason = ParseStopReason(r.GetString(i))),
        new("prompt_tokens", "INTEGER NOT NULL", t => t.Stats.PromptTokens, (t, r, i) => t.Stats.PromptTokens = checked((uint)r.GetInt64(i))),
        new("completion_tokens", "INTEGER NOT NULL", t => t.Stats.CompletionTokens, (t, r, i) => t.Stats.CompletionTokens = checked((uint)r.GetInt64(i))),
        new("time_to_first_token_ms", "REAL NOT NULL", t => t.Stats.TimeToFirstTokenMs, (t, r, i) => t.Stats.TimeToFirstTokenMs = r.GetDouble(i)),
        new("orchestrator_ms", "REAL NOT NULL", t => t.Stats.OrchestratorMs, (t, r, i) => t.Stats.OrchestratorMs = r.GetDouble(i)),
        new("retrieval_ms", "REAL NOT NULL", t => t.Stats.RetrievalMs, (t, r, i) => t.Stats.RetrievalMs = r.GetDouble(i)),
        new("prompt_eval_ms", "REAL NOT NULL", t => t.Stats.PromptEvalMs, (t, r, i) => t.Stats.PromptEvalMs = r.GetDouble(i)),
        new("generation_ms", "REAL NOT NULL", t => t.Stats.GenerationMs, (t, r, i) => t.Stats.GenerationMs = r.GetDouble(i)),
        new("total_latency_ms", "REAL NOT NULL", t => t.Stats.TotalLatencyMs, (t, r, i) => t.Stats.TotalLatencyMs = r.GetDouble(i)),
        new("generation_tokens_per_second", "REAL NOT NULL", t => t.Stats.GenerationTokensPerSecond, (t, r, i) => t.Stats.GenerationTokensPerSecond = r.GetDouble(i)),
        new("prompt_tokens_per_second", "REAL NOT NULL", t => t.Stats.PromptTokensPerSecond, (t, r, i) => t.Stats.PromptTokensPerSecond = r.GetDouble(i)),
        new("memory_available", "INTEGER NOT NULL", t => t.Stats.MemoryAvailable, (t, r, i) => t.Stats.MemoryAvailable = r.GetBoolean(i)),
        new("memories_used", "INTEGER NOT NULL", t => t.Stats.MemoriesUsed, (t, r, i) => t.Stats.MemoriesUsed = checked((uint)r.GetInt64(i))),
        new("orchestrator_fallback", "INTEGER NOT NULL DEFAULT 0", t => t.Stats.OrchestratorFallback, (t, r, i) => t.Stats.OrchestratorFallback = r.GetBoolean(i)),
        new("peak_batch_sequences", "INTEGER NOT NULL DEFAULT 0", t => t.Stats.PeakBatchSequences,
            (t, r, i) => t.Stats.PeakBatchSequences = checked((uint)r.GetInt64(i))),
        new("user_message", "TEXT NOT NULL", t => t.UserMessage, (t, r, i) => t.UserMessage = r.GetString(i)),
        new("reply", "TEXT NOT NULL", t => t.Reply, (t, r, i) => t.Reply = r.GetString(i)),
        // Schema 3: conversations.
        new("cached_prompt_tokens", "INTEGER NOT NULL DEFAULT 0", t => t.Stats.CachedPromptTokens,
            (t, r, i) => t.Stats.CachedPromptTokens = checked((uint)r.GetInt64(i))),
        new(HistoryTurns, "INTEGER NOT NULL DEFAULT 0", t => t.Stats.HistoryTurns, (t, r, i) => t.Stats.HistoryTurns = checked((uint)r.GetInt64(i))),
        new(HistoryDroppedTurns, "INTEGER NOT NULL DEFAULT 0", t => t.Stats.HistoryDroppedTurns,
            (t, r, i) => t.Stats.HistoryDroppedTurns = checked((uint)r.GetInt64(i))),
        new("orchestrator_prompt_tokens", "INTEGER NOT NULL DEFAULT 0", t => t.Stats.OrchestratorPromptTokens,
            (t, r, i) => t.Stats.OrchestratorPromptTokens = checked((uint)r.GetInt64(i))),
        new("orchestrator_completion_tokens", "INTEGER NOT NULL DEFAULT 0", t => t.Stats.OrchestratorCompletionTokens,
            (t, r, i) => t.Stats.OrchestratorCompletionTokens = checked((uint)r.GetInt64(i))),
        new("source", "TEXT NOT NULL DEFAULT 'TURN_SOURCE_UNSPECIFIED'", t => EnumName(Sources, (int)t.Stats.Source),
            (t, r, i) => t.Stats.Source = (TurnSource)EnumNumber(Sources, r.GetString(i))),
        new("replaced_turn_id", "TEXT NOT NULL DEFAULT ''", t => t.Stats.ReplacedTurnId, (t, r, i) => t.Stats.ReplacedTurnId = r.GetString(i)),
        new("recalled_memories", "TEXT NOT NULL DEFAULT '[]'", t => JsonSerializer.Serialize(t.RecalledMemories),
            (t, r, i) => t.RecalledMemories.Add(JsonSerializer.Deserialize<string[]>(r.GetString(i)) ?? [])),
        new(Replaced, "INTEGER NOT NULL DEFAULT 0", t => t.Replaced, (t, r, i) => t.Replaced = r.GetBoolean(i)),
    ];

    /// <summary>The column list for SELECT and INSERT, in <see cref="All"/> order.</summary>
    public static readonly string Names = string.Join(", ", All.Select(c => c.Name));

    public static void Bind(SqliteCommand command, Turn turn)
    {
        foreach (var column in All)
        {
            command.Parameters.AddWithValue("$" + column.Name, column.Get(turn));
        }
    }

    /// <summary>Reads a turn from a row whose first columns are <see cref="Names"/>.</summary>
    public static Turn Read(SqliteDataReader reader)
    {
        var turn = new Turn { Stats = new TurnStats() };
        for (var i = 0; i < All.Count; i++)
        {
            All[i].Set(turn, reader, i);
        }

        return turn;
    }

    // Nanoseconds since the Unix epoch keep a Timestamp exact and sort as plain integers (good until 2262).
    public static long ToUnixNanoseconds(Timestamp at) => checked(at.Seconds * 1_000_000_000L + at.Nanos);

    public static Timestamp FromUnixNanoseconds(long ns) => new()
    {
        Seconds = Math.DivRem(ns, 1_000_000_000L, out var nanos) - (nanos < 0 ? 1 : 0),
        Nanos = (int)(nanos < 0 ? nanos + 1_000_000_000L : nanos),
    };

    private static string StopReasonName(StopReason reason) => EnumName(StopReasons, (int)reason);

    private static StopReason ParseStopReason(string name) => (StopReason)EnumNumber(StopReasons, name);

    // Enums are stored by their proto names so SQL readers need no lookup table; unknown values read as unspecified.
    private static string EnumName(EnumDescriptor type, int number) => (type.FindValueByNumber(number) ?? type.Values[0]).Name;

    private static int EnumNumber(EnumDescriptor type, string name) => type.FindValueByName(name)?.Number ?? 0;
}
