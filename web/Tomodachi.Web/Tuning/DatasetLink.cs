using System.Globalization;
using Tomodachi.Tuning.V1;

namespace Tomodachi.Web.Tuning;

/// <summary>
/// The gateway's <c>GET /api/tuning/dataset.jsonl</c> address for a filter: the inference service's download takes the
/// DatasetFilter fields as query parameters by their proto names, and only those that are set.
/// </summary>
public static class DatasetLink
{
    public const string Path = "/api/tuning/dataset.jsonl";

    public static string For(DatasetFilter filter)
    {
        var parameters = new List<(string Name, string Value)>();
        if (filter.Rating != RatingFilter.Unspecified)
        {
            parameters.Add(("rating", RatingName(filter.Rating)));
        }

        if (filter.HasMinTokensPerSecond)
        {
            parameters.Add(("min_tokens_per_second", Number(filter.MinTokensPerSecond)));
        }

        if (filter.HasMaxTotalLatencyMs)
        {
            parameters.Add(("max_total_latency_ms", Number(filter.MaxTotalLatencyMs)));
        }

        if (filter.HasMinCompletionTokens)
        {
            parameters.Add(("min_completion_tokens", filter.MinCompletionTokens.ToString(CultureInfo.InvariantCulture)));
        }

        if (filter.HasMaxCompletionTokens)
        {
            parameters.Add(("max_completion_tokens", filter.MaxCompletionTokens.ToString(CultureInfo.InvariantCulture)));
        }

        if (filter.Persona.Length > 0)
        {
            parameters.Add(("persona", filter.Persona));
        }

        if (filter.Since is { } since)
        {
            parameters.Add(("since", Time(since)));
        }

        if (filter.Until is { } until)
        {
            parameters.Add(("until", Time(until)));
        }

        if (filter.IncludeDemo)
        {
            parameters.Add(("include_demo", "true"));
        }

        return parameters.Count == 0
            ? Path
            : Path + "?" + string.Join('&', parameters.Select(p => p.Name + "=" + Uri.EscapeDataString(p.Value)));
    }

    private static string RatingName(RatingFilter rating) => rating switch
    {
        RatingFilter.ThumbsUp => "thumbs_up",
        RatingFilter.ThumbsDown => "thumbs_down",
        RatingFilter.Unrated => "unrated",
        RatingFilter.NotThumbsDown => "not_thumbs_down",
        _ => throw new ArgumentOutOfRangeException(nameof(rating), rating, "The download knows no such rating filter."),
    };

    private static string Number(double value) => value.ToString("R", CultureInfo.InvariantCulture);

    // UTC with a Z: an offset's '+' would need escaping, and the download insists on an explicit offset.
    private static string Time(Google.Protobuf.WellKnownTypes.Timestamp at) =>
        at.ToDateTimeOffset().UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
}
