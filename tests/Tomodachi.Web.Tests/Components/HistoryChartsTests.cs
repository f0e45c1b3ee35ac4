using AngleSharp.Dom;
using Microsoft.Extensions.DependencyInjection;
using Radzen;
using Radzen.Blazor.Rendering;
using Tomodachi.Inference.V1;
using Tomodachi.Web.Components.Status;
using Tomodachi.Web.Feeds;

namespace Tomodachi.Web.Tests.Components;

/// <summary>The Status panel's charts, drawn by Radzen's own SVG rendering (its size comes from the browser, here a fixed one).</summary>
public sealed class HistoryChartsTests : BunitContext
{
    private static readonly DateTimeOffset At = new(2026, 11, 28, 10, 0, 0, TimeSpan.Zero);

    public HistoryChartsTests()
    {
        Services.AddRadzenComponents();
        JSInterop.Mode = JSRuntimeMode.Loose;
        JSInterop.Setup<Rect>("Radzen.createChart", _ => true).SetResult(new Rect { Width = 400, Height = 170 });
    }

    [Theory]
    [InlineData("chartLatency")]
    [InlineData("chartRss")]
    [InlineData("chartMemoryGrowth")]
    public void A_chart_with_one_point_still_shows_that_point(string chart)
    {
        var cut = Charts([TestData.Turn("t1")], [new RssSample(At, 300 << 20)], [new MemorySample(At, 12, 4096)]);

        foreach (var series in LineSeries(cut, chart))
        {
            // A one-point line is an invisible "M x y" path; the point must be drawn as a marker.
            var marker = Assert.Single(series.QuerySelectorAll(".rz-marker circle"));
            Assert.Contains(series.QuerySelector("path")!.GetAttribute("d")!.Trim(), $"M {marker.GetAttribute("cx")} {marker.GetAttribute("cy")}");
        }
    }

    [Fact]
    public void Latency_marks_every_message_and_the_time_series_draw_plain_lines_once_they_have_two_samples()
    {
        var cut = Charts([TestData.Turn("t1"), TestData.Turn("t2", latencyMs: 2000)], [new RssSample(At, 300 << 20), new RssSample(At.AddSeconds(3), 301 << 20)],
            [new MemorySample(At, 12, 4096), new MemorySample(At.AddSeconds(5), 13, 4200)]);

        Assert.Equal(2, Assert.Single(LineSeries(cut, "chartLatency")).QuerySelectorAll(".rz-marker circle").Length);
        Assert.Empty(cut.Find("#chartRss").QuerySelectorAll(".rz-marker circle"));
        Assert.Empty(cut.Find("#chartMemoryGrowth").QuerySelectorAll(".rz-marker circle"));
    }

    private IRenderedComponent<HistoryCharts> Charts(TurnStats[] turns, RssSample[] rss, MemorySample[] memory) =>
        Render<HistoryCharts>(p => p.Add(c => c.Turns, turns).Add(c => c.Rss, rss).Add(c => c.Memory, memory).Add(c => c.Zone, TimeZoneInfo.Utc));

    private static IHtmlCollection<IElement> LineSeries(IRenderedComponent<HistoryCharts> cut, string chart)
    {
        var series = cut.Find($"#{chart}").QuerySelectorAll(".rz-line-series");
        Assert.NotEmpty(series);
        return series;
    }
}
