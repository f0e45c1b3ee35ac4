using Google.Protobuf.WellKnownTypes;
using Tomodachi.Inference.V1;
using Tomodachi.Memory.V1;
using Tomodachi.Web.Components.Status;
using Tomodachi.Web.Feeds;
using Tomodachi.Web.Retention;

namespace Tomodachi.Web.Tests.Components;

public sealed class RetentionSectionTests : BunitContext
{
    private static readonly DateTimeOffset SweptAt = new(2026, 12, 5, 13, 4, 5, TimeSpan.Zero);

    [Fact]
    public void Limits_the_last_sweep_and_Prometheus_retention_are_shown_in_words()
    {
        var journal = new JournalRetention
        {
            MaxAgeDays = 30, MaxTurns = 5000, LastSweepAt = Timestamp.FromDateTimeOffset(SweptAt),
            LastSweepDeletedConversations = 2, LastSweepDeletedTurns = 12,
        };

        var cut = Render(journal, new PrometheusRetentionOptions { Time = "15d", Size = "512MB" });

        Assert.Equal("30 days after their last message, at most 5000 turns", cut.Find("#retentionJournal").TextContent);
        Assert.Equal("2026-12-05 13:04:05: 2 conversations (12 turns) deleted", cut.Find("#retentionLastSweep").TextContent);
        Assert.Equal("15d or 512MB, whichever comes first", cut.Find("#retentionPrometheus").TextContent);
    }

    [Fact]
    public void Without_limits_conversations_are_kept_and_no_sweep_is_needed()
    {
        var cut = Render(new JournalRetention(), new PrometheusRetentionOptions());

        Assert.Equal("kept until you delete them", cut.Find("#retentionJournal").TextContent);
        Assert.Equal("none needed", cut.Find("#retentionLastSweep").TextContent);
        Assert.Equal("no local Prometheus", cut.Find("#retentionPrometheus").TextContent);
    }

    [Fact]
    public void A_failed_sweep_says_why_and_an_offline_service_shows_not_available()
    {
        var failed = new JournalRetention { MaxTurns = 10, LastSweepAt = Timestamp.FromDateTimeOffset(SweptAt), LastSweepError = "disk I/O error" };

        var shown = Render(failed, new PrometheusRetentionOptions { Time = "15d" });
        var offline = Render(failed, new PrometheusRetentionOptions { Time = "15d" }, FeedStatus.Offline("Unavailable"));

        Assert.Equal("the newest 10 turns", shown.Find("#retentionJournal").TextContent);
        Assert.Equal("2026-12-05 13:04:05: failed (disk I/O error)", shown.Find("#retentionLastSweep").TextContent);
        Assert.Equal(["N/A", "N/A", "15d"], new[] { "#retentionJournal", "#retentionLastSweep", "#retentionPrometheus" }.Select(id => offline.Find(id).TextContent));
    }

    [Fact]
    public void Memory_limits_and_the_memory_services_last_sweep_are_shown_and_offline_is_not_available()
    {
        var memories = new MemoryRetention { MaxAgeDays = 365, MaxCount = 1, LastSweepAt = Timestamp.FromDateTimeOffset(SweptAt), LastSweepDeleted = 3 };
        var failed = new MemoryRetention { MaxCount = 500, LastSweepAt = Timestamp.FromDateTimeOffset(SweptAt), LastSweepProblem = "database is locked" };

        var shown = Render(new JournalRetention(), new PrometheusRetentionOptions(), memories: memories);
        var failing = Render(new JournalRetention(), new PrometheusRetentionOptions(), memories: failed);
        var unlimited = Render(new JournalRetention(), new PrometheusRetentionOptions(), memories: new MemoryRetention());
        var offline = Render(new JournalRetention(), new PrometheusRetentionOptions(), memories: memories, memoryStatus: FeedStatus.Offline("Unavailable"));

        Assert.Equal("365 days, at most 1 memory, pinned ones for good", shown.Find("#retentionMemories").TextContent);
        Assert.Equal("2026-12-05 13:04:05: 3 memories deleted", shown.Find("#retentionMemorySweep").TextContent);
        Assert.Equal("the newest 500 memories, pinned ones for good", failing.Find("#retentionMemories").TextContent);
        Assert.Equal("2026-12-05 13:04:05: failed (database is locked)", failing.Find("#retentionMemorySweep").TextContent);
        Assert.Equal(["kept until you delete them", "none needed"], new[] { "#retentionMemories", "#retentionMemorySweep" }.Select(id => unlimited.Find(id).TextContent));
        Assert.Equal(["N/A", "N/A"], new[] { "#retentionMemories", "#retentionMemorySweep" }.Select(id => offline.Find(id).TextContent));
    }

    private IRenderedComponent<RetentionSection> Render(
        JournalRetention journal, PrometheusRetentionOptions prometheus, FeedStatus? api = null, MemoryRetention? memories = null, FeedStatus? memoryStatus = null) =>
        Render<RetentionSection>(p => p
            .Add(s => s.Api, api ?? FeedStatus.Online)
            .Add(s => s.Journal, journal)
            .Add(s => s.Memories, memories)
            .Add(s => s.MemoryStatus, memoryStatus ?? FeedStatus.Online)
            .Add(s => s.Prometheus, prometheus)
            .Add(s => s.Zone, TimeZoneInfo.Utc));
}
