using Google.Protobuf.WellKnownTypes;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Tomodachi.Inference.V1;
using Tomodachi.Web.Alerts;
using Tomodachi.Web.Feeds;

namespace Tomodachi.Web.Tests.Alerts;

public sealed class AlertEvaluatorTests
{
    private static readonly DateTimeOffset Start = new(2026, 12, 1, 12, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Step = TimeSpan.FromSeconds(5);

    private readonly AlertEvaluator evaluator = new(Options.Create(new AlertThresholdOptions()));

    [Fact]
    public void A_slow_turn_fires_once_the_five_minute_mean_has_been_above_five_seconds_for_a_minute()
    {
        IReadOnlyList<TurnStats> turns = [Turn("slow", Start, latencyMs: 8000), Turn("quick", Start.AddSeconds(1), latencyMs: 1000)];
        var later = Start.AddMinutes(2);
        var slower = new AlertInputs([.. turns, Turn("slower", later, latencyMs: 9000)], null, []);

        // Mean 4.5 s: under the threshold, however long.
        var under = EvaluateUntil(later, new AlertInputs(turns, null, []));
        // Mean 6 s from here on.
        var pending = evaluator.Evaluate(slower, later.AddSeconds(5));
        var beforeMinute = EvaluateUntil(later.AddSeconds(60), slower, from: later.AddSeconds(10));
        var fired = evaluator.Evaluate(slower, later.AddSeconds(65));

        Assert.Empty(under);
        Assert.Empty(pending);
        Assert.Empty(beforeMinute);
        var alert = Assert.Single(fired);
        Assert.Equal(("TomodachiSlowReplies", "latency"), (alert.Name, alert.Kind));
        Assert.Contains("6.00 s on average", alert.Message);
    }

    [Fact]
    public void The_alert_ends_when_the_slow_turns_leave_the_five_minute_window()
    {
        var inputs = new AlertInputs([Turn("slow", Start, latencyMs: 8000)], null, []);
        EvaluateUntil(Start.AddMinutes(2), inputs);

        Assert.Single(evaluator.Evaluate(inputs, Start.AddMinutes(5)));
        Assert.Empty(evaluator.Evaluate(inputs, Start.AddMinutes(5).AddSeconds(5)));
    }

    [Fact]
    public void Slow_generation_is_the_five_minute_mean_of_the_turns_that_have_a_rate()
    {
        AlertInputs inputs = new([
            Turn("a", Start, tokensPerSecond: 3),
            Turn("b", Start.AddSeconds(1), tokensPerSecond: 6.5),
        ], null, []);

        var alert = Assert.Single(EvaluateUntil(Start.AddMinutes(1).AddSeconds(5), inputs));

        Assert.Equal("TomodachiSlowGeneration", alert.Name);
        Assert.Contains("4.8 t/s on average", alert.Message);
    }

    [Fact]
    public void Turns_of_fewer_than_two_tokens_raise_no_slow_generation_alert_and_do_not_count_in_the_mean()
    {
        AlertInputs inputs = new([
            Turn("one-token", Start, completionTokens: 1, tokensPerSecond: 0),
            Turn("no-token", Start.AddSeconds(1), completionTokens: 0, tokensPerSecond: 0),
            Turn("fast", Start.AddSeconds(2), completionTokens: 30, tokensPerSecond: 40),
        ], null, []);

        Assert.Empty(EvaluateUntil(Start.AddMinutes(4), inputs));
        Assert.Empty(EvaluateUntil(Start.AddMinutes(4), inputs with { Turns = inputs.Turns.Take(2).ToList() }));
    }

    [Fact]
    public void Rss_over_two_gibibytes_for_a_minute_fires_and_a_lower_sample_ends_it()
    {
        var high = new AlertInputs([], new ProcessMemory { RssBytes = (2UL << 30) + 1 }, []);

        Assert.Empty(EvaluateUntil(Start.AddSeconds(55), high));
        var alert = Assert.Single(evaluator.Evaluate(high, Start.AddSeconds(60)));
        Assert.Equal(("TomodachiHighMemory", "rss"), (alert.Name, alert.Kind));
        Assert.Empty(evaluator.Evaluate(high with { Memory = new ProcessMemory { RssBytes = 2UL << 30 } }, Start.AddSeconds(65)));
        Assert.Empty(evaluator.Evaluate(high, Start.AddSeconds(70)));
    }

    [Fact]
    public void No_memory_sample_means_no_rss_alert() =>
        Assert.Empty(EvaluateUntil(Start.AddMinutes(2), new AlertInputs([], null, [])));

    [Theory]
    [InlineData(600, true)]
    [InlineData(400, false)]
    public void Memory_growing_faster_than_500_an_hour_over_30_minutes_fires_after_five_minutes(int perHour, bool fires)
    {
        // A sample every 5 s for 30 minutes, growing steadily.
        var samples = Enumerable.Range(0, 361)
            .Select(i => new MemorySample(Start.AddSeconds(5 * i), (ulong)(1000 + perHour * 5 * i / 3600), 0))
            .ToList();
        var end = Start.AddMinutes(30);

        var pending = EvaluateUntil(end.AddMinutes(4).AddSeconds(55), new AlertInputs([], null, samples), from: end);
        var after = evaluator.Evaluate(new AlertInputs([], null, samples), end.AddMinutes(5));

        Assert.Empty(pending);
        Assert.Equal(fires, after.Any(a => a.Name == "TomodachiMemoryGrowingFast"));
    }

    [Fact]
    public void Thresholds_come_from_configuration()
    {
        var custom = new AlertEvaluator(Build(new() { ["Alerts:LatencySeconds"] = "1" }));
        var inputs = new AlertInputs([Turn("t", Start, latencyMs: 1500)], null, []);

        custom.Evaluate(inputs, Start);

        Assert.Equal("TomodachiSlowReplies", Assert.Single(custom.Evaluate(inputs, Start.AddMinutes(1))).Name);
    }

    [Fact]
    public void Invalid_threshold_is_rejected_at_start_up()
    {
        var error = Assert.Throws<OptionsValidationException>(() => Build(new() { ["Alerts:MinTokensPerSecond"] = "-3" }).Value);

        Assert.Contains("MinTokensPerSecond", error.Message);
    }

    /// <summary>Evaluates every 5 s from <paramref name="from"/> (default the start) to <paramref name="until"/>; the last result.</summary>
    [Fact]
    public void A_crash_looping_service_fires_at_the_first_evaluation_and_restarting_ones_or_no_supervisor_do_not()
    {
        ServiceRestartsView Service(string name, string state, long restarts) => new(name, restarts, state, null, null, null, null);
        var restarting = new AlertInputs([], null, [], [Service("memory", "running", 4), Service("knob", "restarting", 2)]);
        var looping = new AlertInputs([], null, [], [Service("memory", "running", 4), Service("knob", ServiceRestartsView.CrashLoopingState, 4)]);

        var quiet = evaluator.Evaluate(restarting, Start);
        var withoutSupervisor = evaluator.Evaluate(new AlertInputs([], null, []), Start);
        var firing = evaluator.Evaluate(looping, Start.Add(Step));

        Assert.Empty(quiet);
        Assert.Empty(withoutSupervisor);
        var alert = Assert.Single(firing);
        Assert.Equal(("TomodachiServiceCrashLooping", "crash-loop"), (alert.Name, alert.Kind));
    }

    private IReadOnlyList<Alert> EvaluateUntil(DateTimeOffset until, AlertInputs inputs, DateTimeOffset? from = null)
    {
        IReadOnlyList<Alert> firing = [];
        for (var at = from ?? Start; at <= until; at += Step)
        {
            firing = evaluator.Evaluate(inputs, at);
        }

        return firing;
    }

    private static TurnStats Turn(string id, DateTimeOffset finishedAt, double latencyMs = 1000, uint completionTokens = 20, double tokensPerSecond = 40)
    {
        var turn = TestData.Turn(id, latencyMs, completionTokens, tokensPerSecond);
        turn.FinishedAt = Timestamp.FromDateTimeOffset(finishedAt);
        return turn;
    }

    private static IOptions<AlertThresholdOptions> Build(Dictionary<string, string?> settings)
    {
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(new ConfigurationBuilder().AddInMemoryCollection(settings).Build());
        services.AddOptions<AlertThresholdOptions>().BindConfiguration(AlertThresholdOptions.SectionName).ValidateDataAnnotations();
        return services.BuildServiceProvider().GetRequiredService<IOptions<AlertThresholdOptions>>();
    }
}
