using System.Globalization;
using Google.Protobuf.WellKnownTypes;
using Tomodachi.Inference.Journal;
using Tomodachi.Tuning.V1;

namespace Tomodachi.Inference.Tuning.Datasets;

/// <summary>A validated <see cref="DatasetFilter"/>: which journaled turns go into a training data set.</summary>
public sealed class DatasetSelection
{
    private DatasetSelection(DatasetFilter filter) => Filter = filter.Clone();

    public DatasetFilter Filter { get; }

    /// <summary>The time window, for the journal query; the other filters are applied per turn.</summary>
    public TurnQuery Query => new(Since: Filter.Since, Until: Filter.Until);

    /// <exception cref="ArgumentException">An unknown rating filter, a negative or non-finite bound, or an inverted range.</exception>
    public static DatasetSelection From(DatasetFilter? filter)
    {
        filter ??= new DatasetFilter();
        if (!System.Enum.IsDefined(filter.Rating))
        {
            throw new ArgumentException($"rating filter {(int)filter.Rating} is unknown; use one of {ProtoEnum.AllNames<RatingFilter>()}.");
        }

        if (filter.HasMinTokensPerSecond && !(double.IsFinite(filter.MinTokensPerSecond) && filter.MinTokensPerSecond >= 0))
        {
            throw new ArgumentException($"min_tokens_per_second must be a number >= 0; it was {Format(filter.MinTokensPerSecond)}.");
        }

        if (filter.HasMaxTotalLatencyMs && !(double.IsFinite(filter.MaxTotalLatencyMs) && filter.MaxTotalLatencyMs > 0))
        {
            throw new ArgumentException($"max_total_latency_ms must be a number > 0; it was {Format(filter.MaxTotalLatencyMs)}.");
        }

        if (filter.HasMinCompletionTokens && filter.HasMaxCompletionTokens && filter.MinCompletionTokens > filter.MaxCompletionTokens)
        {
            throw new ArgumentException($"min_completion_tokens ({filter.MinCompletionTokens}) is above max_completion_tokens ({filter.MaxCompletionTokens}).");
        }

        if (filter.Since is { } since && filter.Until is { } until && since > until)
        {
            throw new ArgumentException($"since ({Format(since)}) is after until ({Format(until)}).");
        }

        return new DatasetSelection(filter);
    }

    public bool Matches(RatedTurn rated)
    {
        var (turn, stats) = (rated.Turn, rated.Turn.Stats);
        return turn.UserMessage.Length > 0 && turn.Reply.Length > 0
            && (Filter.IncludeDemo || !stats.Demo)
            && Filter.Rating switch
            {
                RatingFilter.ThumbsUp => rated.Rating == TurnRating.ThumbsUp,
                RatingFilter.ThumbsDown => rated.Rating == TurnRating.ThumbsDown,
                RatingFilter.Unrated => rated.Rating == TurnRating.None,
                RatingFilter.NotThumbsDown => rated.Rating != TurnRating.ThumbsDown,
                _ => true,
            }
            && (!Filter.HasMinTokensPerSecond || stats.GenerationTokensPerSecond >= Filter.MinTokensPerSecond)
            && (!Filter.HasMaxTotalLatencyMs || stats.TotalLatencyMs <= Filter.MaxTotalLatencyMs)
            && (!Filter.HasMinCompletionTokens || stats.CompletionTokens >= Filter.MinCompletionTokens)
            && (!Filter.HasMaxCompletionTokens || stats.CompletionTokens <= Filter.MaxCompletionTokens)
            && (Filter.Persona.Length == 0 || stats.Persona == Filter.Persona);
    }

    /// <summary>The filters in words, for "no turns match" messages.</summary>
    public string Describe()
    {
        var parts = new List<string>();
        if (Filter.Rating != RatingFilter.Unspecified)
        {
            parts.Add($"rating {ProtoEnum.NameOf(Filter.Rating)}");
        }

        if (Filter.HasMinTokensPerSecond)
        {
            parts.Add($"at least {Format(Filter.MinTokensPerSecond)} tokens/s");
        }

        if (Filter.HasMaxTotalLatencyMs)
        {
            parts.Add($"at most {Format(Filter.MaxTotalLatencyMs)} ms latency");
        }

        if (Filter.HasMinCompletionTokens)
        {
            parts.Add($"at least {Filter.MinCompletionTokens} completion tokens");
        }

        if (Filter.HasMaxCompletionTokens)
        {
            parts.Add($"at most {Filter.MaxCompletionTokens} completion tokens");
        }

        if (Filter.Persona.Length > 0)
        {
            parts.Add($"persona '{Filter.Persona}'");
        }

        if (Filter.Since is not null)
        {
            parts.Add($"since {Format(Filter.Since)}");
        }

        if (Filter.Until is not null)
        {
            parts.Add($"until {Format(Filter.Until)}");
        }

        parts.Add(Filter.IncludeDemo ? "demo replies included" : "demo replies left out");
        return string.Join(", ", parts);
    }

    private static string Format(double value) => value.ToString(CultureInfo.InvariantCulture);

    private static string Format(Timestamp at) => at.ToDateTimeOffset().ToString("yyyy-MM-dd HH:mm:ss'Z'", CultureInfo.InvariantCulture);
}
