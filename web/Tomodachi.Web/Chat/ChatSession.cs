using System.Text;
using Grpc.Core;
using Tomodachi.Inference.V1;
using Tomodachi.Web.Feeds;

namespace Tomodachi.Web.Chat;

/// <summary>Who wrote a chat line.</summary>
public enum ChatRole
{
    User,
    Assistant,
}

/// <summary>One line of the conversation; an assistant line grows while its reply streams in.</summary>
public sealed class ChatMessage(ChatRole role, string text)
{
    private readonly StringBuilder text = new(text);

    public ChatRole Role { get; } = role;

    public string Text => text.ToString();

    /// <summary>The server's figures for this reply, once it has finished.</summary>
    public TurnStats? Stats { get; internal set; }

    /// <summary>Why the reply failed, in words; null when it did not.</summary>
    public string? Error { get; internal set; }

    internal void Append(string delta) => text.Append(delta);
}

/// <summary>
/// The conversation of one browser circuit: sends a message to InferenceService.Chat and appends the reply as
/// its deltas arrive. A failed call becomes an error line, never an exception in the UI.
/// </summary>
public sealed class ChatSession(InferenceService.InferenceServiceClient client) : IDisposable
{
    private readonly List<ChatMessage> messages = [];
    private readonly CancellationTokenSource lifetime = new();

    /// <summary>A conversation id the contract accepts: letters, digits and '-', at most 64 characters.</summary>
    public string SessionId { get; } = "web-" + Guid.NewGuid().ToString("N");

    public IReadOnlyList<ChatMessage> Messages => messages;

    public bool IsReplying { get; private set; }

    /// <summary>The stats of the most recent reply of this conversation.</summary>
    public TurnStats? LastStats { get; private set; }

    /// <summary>Raised after every delta and when a reply finishes.</summary>
    public event Action? Changed;

    public async Task SendAsync(string message, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(message) || IsReplying)
        {
            return;
        }

        var reply = new ChatMessage(ChatRole.Assistant, "");
        messages.Add(new ChatMessage(ChatRole.User, message.Trim()));
        messages.Add(reply);
        IsReplying = true;
        Changed?.Invoke();

        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, lifetime.Token);
        try
        {
            using var call = client.Chat(new ChatRequest { SessionId = SessionId, Message = message.Trim() }, cancellationToken: linked.Token);
            await foreach (var response in call.ResponseStream.ReadAllAsync(linked.Token))
            {
                if (response.EventCase == ChatResponse.EventOneofCase.Delta)
                {
                    reply.Append(response.Delta);
                }
                else if (response.EventCase == ChatResponse.EventOneofCase.Stats)
                {
                    reply.Stats = response.Stats;
                    LastStats = response.Stats;
                }

                Changed?.Invoke();
            }
        }
        catch (RpcException error) when (!linked.IsCancellationRequested)
        {
            reply.Error = FeedStatus.Describe(error, "InferenceService.Chat");
        }
        catch (Exception error) when (error is OperationCanceledException or RpcException && linked.IsCancellationRequested)
        {
            reply.Error = "Cancelled.";
        }
        finally
        {
            IsReplying = false;
        }

        Changed?.Invoke();
    }

    public void Dispose()
    {
        lifetime.Cancel();
        lifetime.Dispose();
    }
}
