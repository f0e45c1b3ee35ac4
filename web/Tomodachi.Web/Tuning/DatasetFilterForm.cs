using Google.Protobuf.WellKnownTypes;
using Tomodachi.Tuning.V1;

namespace Tomodachi.Web.Tuning;

/// <summary>
/// The dataset builder's inputs as a person fills them in: blanks do not filter, the date range is whole days in
/// the server's time zone with both ends included. The service judges the values; this only shapes them.
/// </summary>
public sealed class DatasetFilterForm
{
    public RatingFilter Rating { get; set; } = RatingFilter.ThumbsUp;

    public double? MinTokensPerSecond { get; set; }

    public double? MaxTotalLatencyMs { get; set; }

    public int? MinCompletionTokens { get; set; }

    public int? MaxCompletionTokens { get; set; }

    public string Persona { get; set; } = "";

    /// <summary>First day included.</summary>
    public DateOnly? From { get; set; }

    /// <summary>Last day included.</summary>
    public DateOnly? To { get; set; }

    public bool IncludeDemo { get; set; }

    /// <summary>What the contract cannot carry at all (a negative count), in words; null when it can.</summary>
    public string? Problem =>
        MinCompletionTokens < 0 ? "Min reply tokens cannot be negative."
        : MaxCompletionTokens < 0 ? "Max reply tokens cannot be negative."
        : null;

    public DatasetFilter ToFilter(TimeZoneInfo zone)
    {
        var filter = new DatasetFilter { Rating = Rating, Persona = Persona.Trim(), IncludeDemo = IncludeDemo };
        if (MinTokensPerSecond is { } minRate)
        {
            filter.MinTokensPerSecond = minRate;
        }

        if (MaxTotalLatencyMs is { } maxLatency)
        {
            filter.MaxTotalLatencyMs = maxLatency;
        }

        if (MinCompletionTokens is >= 0 and var minTokens)
        {
            filter.MinCompletionTokens = (uint)minTokens;
        }

        if (MaxCompletionTokens is >= 0 and var maxTokens)
        {
            filter.MaxCompletionTokens = (uint)maxTokens;
        }

        filter.Since = From is { } from ? StartOf(from, zone) : null;
        filter.Until = To is { } to ? StartOf(to.AddDays(1), zone) : null;
        return filter;
    }

    private static Timestamp StartOf(DateOnly day, TimeZoneInfo zone)
    {
        var local = day.ToDateTime(TimeOnly.MinValue, DateTimeKind.Unspecified);
        return Timestamp.FromDateTimeOffset(new DateTimeOffset(local, zone.GetUtcOffset(local)));
    }
}
