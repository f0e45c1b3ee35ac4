using Grpc.Core;
using Tomodachi.Knob.V1;

namespace Tomodachi.Knob.Tests;

internal static class StreamReading
{
    /// <summary>Reads exactly <paramref name="count"/> responses, failing (not hanging) if they do not come in time.</summary>
    public static async Task<List<WatchEventsResponse>> ReadAsync(this AsyncServerStreamingCall<WatchEventsResponse> call, int count)
    {
        using var timeout = new CancellationTokenSource(KnobHost.Patience);
        var read = new List<WatchEventsResponse>(count);
        while (read.Count < count)
        {
            Assert.True(await call.ResponseStream.MoveNext(timeout.Token), $"The stream ended after {read.Count} of {count} events.");
            read.Add(call.ResponseStream.Current);
        }

        return read;
    }

    public static KnobEventType[] Types(this IEnumerable<WatchEventsResponse> responses) =>
        responses.Select(r => r.Event.Type).ToArray();
}
