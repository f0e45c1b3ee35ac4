using Google.Protobuf.WellKnownTypes;

namespace Tomodachi.Web.Tests;

public sealed class StatusFormatTests
{
    [Theory]
    [InlineData(1234.0, "1.23s")]
    [InlineData(0.0, "0.00s")]
    [InlineData(65432.1, "65.43s")]
    public void Latency_is_seconds_with_two_decimals(double milliseconds, string expected) =>
        Assert.Equal(expected, StatusFormat.Seconds(milliseconds));

    [Theory]
    [InlineData(17.46, "17.5 t/s")]
    [InlineData(4.0, "4.0 t/s")]
    [InlineData(123.44, "123.4 t/s")]
    public void Tokens_per_second_has_one_decimal_and_unit(double rate, string expected) =>
        Assert.Equal(expected, StatusFormat.TokensPerSecond(rate));

    [Theory]
    [InlineData(123_456_789UL, "117.7 MB")]
    [InlineData(0UL, "0.0 MB")]
    [InlineData(2_147_483_648UL, "2048.0 MB")]
    public void Rss_is_megabytes_with_one_decimal(ulong bytes, string expected) =>
        Assert.Equal(expected, StatusFormat.Megabytes1(bytes));

    [Theory]
    [InlineData(1_572_864UL, "1.50 MB")]
    [InlineData(12_288UL, "0.01 MB")]
    public void Store_size_is_megabytes_with_two_decimals(ulong bytes, string expected) =>
        Assert.Equal(expected, StatusFormat.Megabytes2(bytes));

    [Fact]
    public void Timestamp_is_shown_in_the_given_zone_as_date_and_time()
    {
        var at = Timestamp.FromDateTimeOffset(new DateTimeOffset(2026, 11, 28, 9, 5, 7, TimeSpan.Zero));
        var plusTwo = TimeZoneInfo.CreateCustomTimeZone("test+2", TimeSpan.FromHours(2), "test+2", "test+2");

        Assert.Equal("2026-11-28 09:05:07", StatusFormat.Timestamp(at, TimeZoneInfo.Utc));
        Assert.Equal("2026-11-28 11:05:07", StatusFormat.Timestamp(at, plusTwo));
    }

    [Fact]
    public void Missing_timestamp_is_not_available() =>
        Assert.Equal("N/A", StatusFormat.Timestamp(null, TimeZoneInfo.Utc));

    [Theory]
    [InlineData(136_000_000UL, "136M")]
    [InlineData(1_240_000_000UL, "1.2B")]
    [InlineData(260_000UL, "260K")]
    public void Parameter_counts_are_abbreviated(ulong count, string expected) =>
        Assert.Equal(expected, StatusFormat.Parameters(count));
}
