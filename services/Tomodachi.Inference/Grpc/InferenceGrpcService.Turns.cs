using Grpc.Core;
using Tomodachi.Inference.Journal;
using Tomodachi.Inference.V1;

namespace Tomodachi.Inference.Grpc;

// The journal RPCs. The journal is taken from the request's services rather than from a constructor parameter
// so that this partial adds no constructor beside the one the model/chat part of the class declares.
public sealed partial class InferenceGrpcService
{
    public override async Task<ListTurnsResponse> ListTurns(ListTurnsRequest request, ServerCallContext context)
    {
        try
        {
            return await JournalOf(context).ListAsync(request, context.CancellationToken);
        }
        catch (ArgumentException e)
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, e.Message));
        }
    }

    public override async Task WatchTurns(WatchTurnsRequest request, IServerStreamWriter<WatchTurnsResponse> responseStream, ServerCallContext context)
    {
        // A watch lasts until the client leaves; without the stopping token it would hold up shutdown until the
        // host's shutdown timeout.
        using var watching = context.UntilStopping();
        var turns = JournalOf(context).WatchAsync(watching.Token);
        // Headers go out once the subscription exists: a client that awaits them misses no turn appended later.
        await context.WriteResponseHeadersAsync([]);
        try
        {
            await foreach (var turn in turns)
            {
                await responseStream.WriteAsync(new WatchTurnsResponse { Turn = turn }, watching.Token);
            }
        }
        catch (TurnWatcherFellBehindException e)
        {
            throw new RpcException(new Status(StatusCode.ResourceExhausted, e.Message));
        }
        catch (OperationCanceledException) when (context.IsStopping())
        {
            throw ShuttingDown("watch again");
        }
    }

    private static ITurnJournal JournalOf(ServerCallContext context) =>
        context.GetHttpContext().RequestServices.GetRequiredService<ITurnJournal>();
}
