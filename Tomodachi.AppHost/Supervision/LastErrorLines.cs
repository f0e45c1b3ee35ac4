using System.Collections.Concurrent;
using System.Text.RegularExpressions;

namespace Tomodachi.AppHost.Supervision;

/// <summary>
/// The last line each supervised service wrote to stderr, so a crash loop can name its cause ("Unhandled exception.
/// System.IO.FileNotFoundException: …") beside the exit code. Stack frames are skipped: the line that says what went
/// wrong is the one above them.
/// </summary>
public sealed partial class LastErrorLines(ResourceLoggerService logs)
{
    private readonly ConcurrentDictionary<string, string> last = new(StringComparer.OrdinalIgnoreCase);
    private readonly ConcurrentDictionary<string, bool> watched = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Follows the resource's log from now on (once per resource id; the stream spans its restarts).</summary>
    public void Follow(string resourceId, CancellationToken cancellationToken)
    {
        if (!watched.TryAdd(resourceId, true))
        {
            return;
        }

        _ = Task.Run(async () =>
        {
            try
            {
                await foreach (var batch in logs.WatchAsync(resourceId).WithCancellation(cancellationToken))
                {
                    foreach (var line in batch)
                    {
                        var text = WithoutTimestamp(line.Content);
                        if (line.IsErrorMessage && IsCause(text))
                        {
                            last[resourceId] = text.Trim();
                        }
                    }
                }
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                // The AppHost is ending.
            }
        }, CancellationToken.None);
    }

    public string? For(string resourceId) => last.GetValueOrDefault(resourceId);

    /// <summary>DCP's lines start with the time it read them ("2026-12-05T07:23:45.6250000Z "); the cause is what follows.</summary>
    private static string WithoutTimestamp(string content) => Timestamp().Replace(content, "", 1);

    [GeneratedRegex(@"^\d{4}-\d{2}-\d{2}T[0-9:.]+Z ")]
    private static partial Regex Timestamp();

    private static bool IsCause(string content)
    {
        var text = content.TrimStart();
        return text.Length > 0 && !text.StartsWith("at ", StringComparison.Ordinal) && !text.StartsWith("---", StringComparison.Ordinal);
    }
}
