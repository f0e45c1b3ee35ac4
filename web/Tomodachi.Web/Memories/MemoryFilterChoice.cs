using Google.Protobuf.WellKnownTypes;
using Tomodachi.Memory.V1;

namespace Tomodachi.Web.Memories;

/// <summary>
/// What the Memories panel's filters say, as the person set them; <see cref="ToFilter"/> turns it into the List call's
/// filter. Dates are whole days in UTC, the "to" day included.
/// </summary>
public sealed class MemoryFilterChoice
{
    /// <summary>The kinds the panel offers: who said it, and imported memories apart.</summary>
    public static readonly IReadOnlyList<(string Value, string Label)> Kinds =
    [
        ("", "Anything"),
        ("user", "You said"),
        ("assistant", "Tomodachi said"),
        ("note", "Notes"),
        ("imported", "Imported"),
    ];

    public string Text { get; set; } = "";

    /// <summary>A conversation's session id, or empty for all.</summary>
    public string SessionId { get; set; } = "";

    /// <summary>One of <see cref="Kinds"/>' values.</summary>
    public string Kind { get; set; } = "";

    public DateOnly? From { get; set; }

    public DateOnly? To { get; set; }

    public bool PinnedOnly { get; set; }

    public ListFilter ToFilter() => new()
    {
        TextContains = Text.Trim(),
        SessionId = SessionId,
        Role = Kind switch
        {
            "user" => MemoryRole.User,
            "assistant" => MemoryRole.Assistant,
            "note" => MemoryRole.Note,
            _ => MemoryRole.Unspecified,
        },
        Origin = Kind == "imported" ? MemoryOrigin.Imported : MemoryOrigin.Unspecified,
        CreatedAfter = From is { } from ? Day(from) : null,
        CreatedBefore = To is { } to ? Day(to.AddDays(1)) : null,
        PinnedOnly = PinnedOnly,
    };

    private static Timestamp Day(DateOnly day) => Timestamp.FromDateTime(day.ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc));
}
