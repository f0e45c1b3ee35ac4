using Microsoft.Extensions.Options;
using Tomodachi.Memory.V1;
using static Tomodachi.Memory.Tests.Service.MemoryRequests;

namespace Tomodachi.Memory.Tests.Service;

/// <summary>
/// Memory:Retention removes unpinned memories by age or count in the background, on the service's clock, and the stats
/// say what it is set to and what the last sweep did.
/// </summary>
public sealed class RetentionTests : IAsyncLifetime
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(60);
    private readonly MemoryServiceFactory service = new();

    private MemoryService.MemoryServiceClient Client => service.Client;

    public Task InitializeAsync()
    {
        service.Settings["Memory:Embedder"] = "Lexical";
        service.Settings["Memory:Retention:SweepIntervalMinutes"] = "60";
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await service.DisposeAsync();

    [Fact]
    public async Task Memories_older_than_the_age_limit_are_removed_except_pinned_ones()
    {
        service.Settings["Memory:Retention:MaxAgeDays"] = "30";
        // One sweep a week, so moving the clock a week on makes exactly one more.
        service.Settings["Memory:Retention:SweepIntervalMinutes"] = "10080";
        var start = MemoryServiceFactory.Start;
        var pinned = (await Client.StoreAsync(Store("pinned and old", createdAt: start.AddDays(-27)))).Id;
        await Client.UpdateAsync(new UpdateRequest { Id = pinned, Pinned = true });
        await Client.StoreAsync(Store("old", createdAt: start.AddDays(-27)));
        await Client.StoreAsync(Store("recent", createdAt: start.AddDays(-1)));
        await SweptAtAsync(start);

        service.Time.Advance(TimeSpan.FromDays(7));
        var sweep = await SweptAtAsync(start.AddDays(7));

        Assert.Equal(1ul, sweep.LastSweepDeleted);
        Assert.Equal(["recent", "pinned and old"], await TextsAsync());
    }

    [Fact]
    public async Task Only_the_newest_unpinned_memories_up_to_the_count_limit_are_kept()
    {
        service.Settings["Memory:Retention:MaxCount"] = "2";
        var start = MemoryServiceFactory.Start;
        await SweptAtAsync(start);
        var pinned = (await Client.StoreAsync(Store("pinned first", createdAt: start.AddMinutes(-5)))).Id;
        await Client.UpdateAsync(new UpdateRequest { Id = pinned, Pinned = true });
        foreach (var i in Enumerable.Range(1, 4))
        {
            await Client.StoreAsync(Store($"memory {i}", createdAt: start.AddMinutes(-5 + i)));
        }

        service.Time.Advance(TimeSpan.FromMinutes(60));
        var sweep = await SweptAtAsync(start.AddMinutes(60));

        Assert.Equal(2ul, sweep.LastSweepDeleted);
        Assert.Equal(["memory 4", "memory 3", "pinned first"], await TextsAsync());
    }

    [Fact]
    public async Task The_stats_report_the_settings_and_no_sweep_when_nothing_is_limited()
    {
        var retention = (await Client.GetStatsAsync(new GetStatsRequest())).Stats.Retention;

        Assert.Equal((0u, 0ul), (retention.MaxAgeDays, retention.MaxCount));
        Assert.Null(retention.LastSweepAt);
    }

    [Theory]
    [InlineData("MaxAgeDays", "-1")]
    [InlineData("MaxAgeDays", "36501")]
    [InlineData("MaxCount", "-5")]
    [InlineData("SweepIntervalMinutes", "0")]
    public void A_retention_setting_out_of_range_stops_the_start_naming_the_setting(string setting, string value)
    {
        service.Settings[$"Memory:Retention:{setting}"] = value;

        var error = Assert.Throws<OptionsValidationException>(() => service.Server);

        Assert.Contains($"Memory:Retention:{setting} must be between", error.Message);
    }

    private async Task<string[]> TextsAsync() =>
        (await Client.ListAsync(new ListRequest())).Memories.Select(m => m.Text).ToArray();

    /// <summary>Waits (bounded) until the stats show a sweep at <paramref name="at"/> on the service's clock.</summary>
    private async Task<MemoryRetention> SweptAtAsync(DateTimeOffset at)
    {
        using var bound = new CancellationTokenSource(Bound);
        while (true)
        {
            var retention = (await Client.GetStatsAsync(new GetStatsRequest(), cancellationToken: bound.Token)).Stats.Retention;
            if (retention.LastSweepAt?.ToDateTimeOffset() == at)
            {
                Assert.Empty(retention.LastSweepProblem);
                return retention;
            }

            await Task.Delay(50, bound.Token);
        }
    }
}
