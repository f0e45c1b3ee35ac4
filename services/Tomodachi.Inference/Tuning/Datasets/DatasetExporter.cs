using System.Runtime.CompilerServices;
using Tomodachi.Inference.Grpc;
using Tomodachi.Inference.Journal;

namespace Tomodachi.Inference.Tuning.Datasets;

/// <summary>One exported training example and the turn it came from.</summary>
public sealed record DatasetLine(string TurnId, string JsonLine);

/// <summary>The size of a data set before it is exported.</summary>
public sealed record DatasetPreview(int TurnCount, int WithSystemPromptCount);

/// <summary>
/// Turns the journaled turns a <see cref="DatasetSelection"/> picks into JSONL training examples, oldest first,
/// streaming from the journal so an export never holds the whole data set in memory. Each example is the prompt the
/// model read (system prompt as used then, the history, the message with its recalled memories) and its reply.
/// </summary>
public sealed class DatasetExporter(ITurnJournal journal, IConversationStore conversations, IPersonaPrompts prompts)
{
    /// <exception cref="ArgumentException">The persona filter names a persona neither configured nor journaled.</exception>
    public async Task<DatasetPreview> PreviewAsync(DatasetSelection selection, CancellationToken ct)
    {
        int count = 0, withSystemPrompt = 0;
        await foreach (var turn in SelectAsync(selection, ct))
        {
            count++;
            withSystemPrompt += (await ExampleOfAsync(turn, ct)).HasSystemMessage ? 1 : 0;
        }

        return new DatasetPreview(count, withSystemPrompt);
    }

    /// <summary>The data set's lines. Nothing is yielded before the filters are known to match at least one turn.</summary>
    /// <exception cref="ArgumentException">The persona filter names a persona neither configured nor journaled.</exception>
    /// <exception cref="NoTurnsMatchException">No turn matches (thrown by the first MoveNextAsync).</exception>
    public async IAsyncEnumerable<DatasetLine> ExportAsync(DatasetSelection selection, [EnumeratorCancellation] CancellationToken ct)
    {
        var any = false;
        var scanned = 0L;
        await foreach (var turn in SelectAsync(selection, ct, onScanned: () => scanned++))
        {
            any = true;
            yield return new DatasetLine(turn.Stats.TurnId, (await ExampleOfAsync(turn, ct)).ToJsonLine());
        }

        if (!any)
        {
            throw new NoTurnsMatchException(selection, scanned);
        }
    }

    private async Task<ChatExample> ExampleOfAsync(V1.Turn turn, CancellationToken ct) =>
        await conversations.ReadPromptAsync(turn.Stats.TurnId, ct) is { } prompt
            ? ChatExample.Of(prompt, turn)
            : ChatExample.Of(turn, prompts.SystemPromptOf(turn.Stats.Persona));

    private async IAsyncEnumerable<V1.Turn> SelectAsync(DatasetSelection selection, [EnumeratorCancellation] CancellationToken ct, Action? onScanned = null)
    {
        var persona = selection.Filter.Persona;
        var personaSeen = persona.Length == 0 || prompts.Names.Contains(persona);
        await foreach (var rated in journal.ReadAsync(selection.Query, ct))
        {
            onScanned?.Invoke();
            personaSeen |= rated.Turn.Stats.Persona == persona;
            if (selection.Matches(rated))
            {
                yield return rated.Turn;
            }
        }

        // Checked at the end: a persona that only old turns carry is still a fair filter.
        if (!personaSeen)
        {
            var known = prompts.Names.Count == 0 ? "none is configured" : "configured: " + string.Join(", ", prompts.Names.Order());
            throw new ArgumentException($"persona '{UserInput.Excerpt(persona)}' is unknown: it is not configured and no journaled turn in that time window has it ({known}).");
        }
    }
}
