using System.Globalization;
using Google.Protobuf.WellKnownTypes;

namespace Tomodachi.Web;

/// <summary>The panel's number formats, kept exactly as the original Campground showed them.</summary>
public static class StatusFormat
{
    public const string NotAvailable = "N/A";

    public static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    private const double BytesPerMegabyte = 1024 * 1024;

    /// <summary>Milliseconds as seconds: <c>X.XXs</c>.</summary>
    public static string Seconds(double milliseconds) => (milliseconds / 1000).ToString("0.00", Invariant) + "s";

    /// <summary>Milliseconds as they are: <c>X ms</c> with one decimal.</summary>
    public static string Milliseconds(double milliseconds) => milliseconds.ToString("0.0", Invariant) + " ms";

    /// <summary><c>XX.X t/s</c>.</summary>
    public static string TokensPerSecond(double rate) => rate.ToString("0.0", Invariant) + " t/s";

    /// <summary>Bytes as <c>XXX.X MB</c> (MB = 1024², as the original read RSS).</summary>
    public static string Megabytes1(ulong bytes) => (bytes / BytesPerMegabyte).ToString("0.0", Invariant) + " MB";

    /// <summary>Bytes as <c>X.XX MB</c>.</summary>
    public static string Megabytes2(ulong bytes) => (bytes / BytesPerMegabyte).ToString("0.00", Invariant) + " MB";

    /// <summary><c>YYYY-MM-DD HH:MM:SS</c> in the given zone; N/A when unset.</summary>
    public static string Timestamp(Timestamp? value, TimeZoneInfo zone) =>
        value is null
            ? NotAvailable
            : TimeZoneInfo.ConvertTime(value.ToDateTimeOffset(), zone).ToString("yyyy-MM-dd HH:mm:ss", Invariant);

    /// <summary><c>HH:MM:SS</c> in the given zone.</summary>
    public static string TimeOfDay(Timestamp value, TimeZoneInfo zone) =>
        TimeZoneInfo.ConvertTime(value.ToDateTimeOffset(), zone).ToString("HH:mm:ss", Invariant);

    public static string Count(ulong value) => value.ToString(Invariant);

    /// <summary>Parameters as 136M / 1.2B.</summary>
    public static string Parameters(ulong count) => count switch
    {
        >= 1_000_000_000 => (count / 1e9).ToString("0.#", Invariant) + "B",
        >= 1_000_000 => (count / 1e6).ToString("0.#", Invariant) + "M",
        >= 1_000 => (count / 1e3).ToString("0.#", Invariant) + "K",
        _ => count.ToString(Invariant),
    };
}
