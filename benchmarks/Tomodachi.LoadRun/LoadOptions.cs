using System.Globalization;

namespace Tomodachi.LoadRun;

/// <summary>
/// Command line. Defaults: 5 chat clients × 400 messages = 2000 turns, the first 1500 of them warm-up (the RSS target
/// is about the 500 after it; a shorter warm-up catches the services still compiling and sizing their heaps), one
/// memory searcher and one knob turner alongside, 30 minutes at most.
/// </summary>
public sealed record LoadOptions(
    int Clients,
    int Messages,
    int WarmupTurns,
    uint MaxTokens,
    TimeSpan SearchInterval,
    TimeSpan KnobInterval,
    TimeSpan Deadline,
    Uri? Attach,
    string? Model,
    string? Output)
{
    public const string Usage = """
        dotnet run -c Release --project benchmarks/Tomodachi.LoadRun -- [options]
          --clients N          concurrent chat clients (5)
          --messages M         messages per client (400); N × M turns in all
          --warmup N           turns before the 'after warm-up' RSS reading (all but the last 500, at least half)
          --max-tokens N       reply tokens per turn (32)
          --search-every MS    one memory Search per MS milliseconds while chats run (200)
          --knob-every MS      one knob Simulate(ROTATE) per MS milliseconds while chats run (200)
          --deadline MIN       stop after MIN minutes whatever is left (30)
          --model FILE         the .gguf the started suite runs (TOMODACHI_MODEL); default: the demo model
          --attach URL         use a running suite's gateway (gRPC, e.g. http://localhost:5174) instead of starting one
          --output FILE        also write the markdown block to FILE
        """;

    /// <summary>The turns the RSS target is about, after the warm-up.</summary>
    public const int MeasuredTurns = 500;

    public int Turns => Clients * Messages;

    public static LoadOptions Parse(string[] args)
    {
        string? Value(string name) => args.SkipWhile(a => a != name).Skip(1).FirstOrDefault();
        int Number(string name, int fallback, int min, int max)
        {
            var value = Value(name) is { } text ? int.Parse(text, CultureInfo.InvariantCulture) : fallback;
            return value >= min && value <= max ? value : throw new ArgumentException($"{name} must be between {min} and {max}; it was {value}.");
        }

        var clients = Number("--clients", 5, 1, 64);
        var messages = Number("--messages", 400, 1, 10_000);
        var turns = clients * messages;
        return new LoadOptions(
            clients,
            messages,
            Number("--warmup", Math.Max(turns - MeasuredTurns, turns / 2), 0, turns - 1),
            (uint)Number("--max-tokens", 32, 1, 2048),
            TimeSpan.FromMilliseconds(Number("--search-every", 200, 10, 60_000)),
            TimeSpan.FromMilliseconds(Number("--knob-every", 200, 10, 60_000)),
            TimeSpan.FromMinutes(Number("--deadline", 30, 1, 24 * 60)),
            Value("--attach") is { } url ? new Uri(url) : null,
            Value("--model"),
            Value("--output"));
    }
}
