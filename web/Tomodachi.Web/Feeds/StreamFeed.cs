using Grpc.Core;
using Microsoft.Extensions.Options;

namespace Tomodachi.Web.Feeds;

/// <summary>
/// Holds one server stream to a backend for the whole web server and fans its messages out to every circuit.
/// When the stream breaks (service restarted, not implemented yet) the feed reports Offline with the reason and
/// reconnects with exponential backoff, so the panel recovers without a page reload.
/// </summary>
public abstract class StreamFeed<T> : BackgroundService, IChangeSource where T : class
{
    private readonly TimeProvider time;
    private readonly FeedOptions options;
    private readonly ILogger logger;

    protected StreamFeed(TimeProvider time, IOptions<FeedOptions> options, ILogger logger)
    {
        this.time = time;
        this.options = options.Value;
        this.logger = logger;
    }

    /// <summary>The most recent message, kept while offline so the last known figures stay visible beside the reason.</summary>
    public T? Latest { get; private set; }

    public FeedStatus Status { get; private set; } = FeedStatus.Connecting;

    /// <summary>Raised on the feed's thread after every message and every connection change.</summary>
    public event Action? Changed;

    /// <summary>Raised on the feed's thread with every message, before <see cref="Changed"/>.</summary>
    public event Action<T>? Received;

    /// <summary>The RPC name, for the Offline reason.</summary>
    protected abstract string RpcName { get; }

    /// <summary>Opens the stream and yields its messages; returns when the server ends it.</summary>
    protected abstract IAsyncEnumerable<T> ReadAsync(CancellationToken cancellationToken);

    /// <summary>Lets a feed keep history; runs before <see cref="Changed"/>.</summary>
    protected virtual void OnReceived(T message, DateTimeOffset receivedAt)
    {
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var failures = 0;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await foreach (var message in ReadAsync(stoppingToken))
                {
                    failures = 0;
                    OnReceived(message, time.GetUtcNow());
                    Received?.Invoke(message);
                    Publish(message, FeedStatus.Online);
                }

                Publish(Latest, FeedStatus.Offline($"{RpcName} ended; reconnecting"));
            }
            catch (RpcException error) when (!stoppingToken.IsCancellationRequested)
            {
                logger.LogInformation("Feed {Rpc} is offline: {StatusCode}", RpcName, error.StatusCode);
                Publish(Latest, FeedStatus.From(error, RpcName));
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception error) when (!stoppingToken.IsCancellationRequested)
            {
                // E.g. no address configured for the service: still a reason to show, never a reason to stop the web.
                logger.LogWarning(error, "Feed {Rpc} failed outside gRPC", RpcName);
                Publish(Latest, FeedStatus.Offline($"{error.GetType().Name}: {error.Message}"));
            }

            failures++;
            try
            {
                await Task.Delay(Backoff(failures), time, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    /// <summary>Doubles from the initial delay up to the cap, so a restarted service is found within seconds.</summary>
    internal TimeSpan Backoff(int failures)
    {
        var factor = Math.Pow(2, Math.Min(failures - 1, 16));
        var delay = options.InitialReconnectDelay * factor;
        return delay < options.MaxReconnectDelay ? delay : options.MaxReconnectDelay;
    }

    private void Publish(T? latest, FeedStatus status)
    {
        Latest = latest;
        Status = status;
        Changed?.Invoke();
    }
}
