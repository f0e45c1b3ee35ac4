namespace Tomodachi.Web.Feeds;

/// <summary>Something the page shows that tells when it changed: a feed, the alerts.</summary>
public interface IChangeSource
{
    /// <summary>Raised on the source's own thread.</summary>
    event Action? Changed;
}
