using Grpc.Core;

namespace Tomodachi.Web.Feeds;

/// <summary>Whether a backend stream is delivering.</summary>
public enum FeedConnection
{
    Connecting,
    Online,
    Offline,
}

/// <summary>The connection state of a feed and, when offline, why — in words a person can act on.</summary>
public sealed record FeedStatus(FeedConnection Connection, string? Reason = null)
{
    public static readonly FeedStatus Connecting = new(FeedConnection.Connecting);
    public static readonly FeedStatus Online = new(FeedConnection.Online);

    public bool IsOnline => Connection == FeedConnection.Online;

    public static FeedStatus Offline(string reason) => new(FeedConnection.Offline, reason);

    /// <summary>Names the failure the way the panel shows it, e.g. "Unimplemented: WatchStats is not implemented yet".</summary>
    public static FeedStatus From(RpcException error, string rpc) => Offline(Describe(error, rpc));

    public static string Describe(RpcException error, string rpc) => error.StatusCode switch
    {
        StatusCode.Unimplemented => $"Unimplemented: the service does not offer {rpc} yet",
        // The transport's own message names the address ("Connection refused (127.0.0.1:5212)"); the status detail wraps it in noise.
        StatusCode.Unavailable when error.Status.DebugException is HttpRequestException transport => $"Unavailable: {transport.Message}",
        StatusCode.Unavailable => $"Unavailable: {FirstLine(error.Status.Detail)}",
        _ => $"{error.StatusCode}: {FirstLine(error.Status.Detail)}",
    };

    private static string FirstLine(string detail)
    {
        var line = detail.Split('\n', 2)[0].Trim();
        return line.Length == 0 ? "no detail given" : line;
    }
}
