using Grpc.Core;
using Tomodachi.Tuning.V1;

namespace Tomodachi.IntegrationTests.Hostile;

/// <summary>tomodachi.tuning.v1. The seeded turn is the real target of the rating rows.</summary>
internal static class TuningCases
{
    private const string UnknownTurn = "no-such-turn";
    private static readonly Google.Protobuf.Reflection.ServiceDescriptor Service = TuningService.Descriptor;

    private static byte[] Rate(string turnId, long rating) => Wire.Join(Wire.String(1, turnId), Wire.Varint(2, rating));

    /// <summary>A request whose field 1 is a DatasetFilter with the given fields.</summary>
    private static byte[] Filter(params byte[][] fields) => Wire.Message(1, fields);

    public static void AddTo(CaseTable table)
    {
        table.Rpc(Service, "RateTurn").Malformed(whenEmpty: StatusCode.InvalidArgument)
            .Add("turn_id empty", StatusCode.InvalidArgument, Rate("", (int)Rating.ThumbsUp))
            .Add("turn_id of no turn", StatusCode.NotFound, Rate(UnknownTurn, (int)Rating.ThumbsUp))
            .Add("turn_id of 1 MiB", StatusCode.NotFound, Rate(new string('t', 1 << 20), (int)Rating.ThumbsUp))
            .Add("turn_id with invalid UTF-8", StatusCode.InvalidArgument, Wire.Bytes(1, Wire.InvalidUtf8), Wire.Varint(2, (int)Rating.ThumbsUp))
            .Add("rating unspecified on a real turn", StatusCode.InvalidArgument, seed => Rate(seed.TurnId, 0))
            .Add("rating 99 on a real turn", StatusCode.InvalidArgument, seed => Rate(seed.TurnId, 99))
            .Add("rating -1 on a real turn", StatusCode.InvalidArgument, seed => Rate(seed.TurnId, -1));

        table.Rpc(Service, "GetRatings").Malformed(whenEmpty: StatusCode.OK)
            .Add("501 turn ids (limit 500)", StatusCode.InvalidArgument, [.. Enumerable.Range(0, 501).SelectMany(i => Wire.String(1, $"turn-{i}"))])
            .Add("a turn id with invalid UTF-8", StatusCode.InvalidArgument, Wire.Bytes(1, Wire.InvalidUtf8))
            .Add("a turn id of 1 MiB (left out of the answer)", StatusCode.OK, Wire.String(1, new string('t', 1 << 20)));

        table.Rpc(Service, "GetFindings").Malformed(whenEmpty: StatusCode.OK)
            .Add("since after until", StatusCode.InvalidArgument, Wire.Timestamp(1, 2_000_000_000, 0), Wire.Timestamp(2, 1_000_000_000, 0))
            .Add("since with nanos -1", StatusCode.InvalidArgument, Wire.Timestamp(1, 1_000_000_000, -1))
            .Add("until with seconds 2^62", StatusCode.InvalidArgument, Wire.Timestamp(2, 1L << 62, 0))
            .Add("session_id with invalid UTF-8", StatusCode.InvalidArgument, Wire.Bytes(3, Wire.InvalidUtf8));

        foreach (var (rpc, whenEmpty) in new[] { ("PreviewDataset", StatusCode.OK), ("ExportDataset", StatusCode.FailedPrecondition) })
        {
            table.Rpc(Service, rpc).Malformed(whenEmpty)
                .Add("filter.rating 99", StatusCode.InvalidArgument, Filter(Wire.Varint(1, 99)))
                .Add("filter.min_tokens_per_second -1", StatusCode.InvalidArgument, Filter(Wire.Double(2, -1)))
                .Add("filter.min_tokens_per_second NaN", StatusCode.InvalidArgument, Filter(Wire.Double(2, double.NaN)))
                .Add("filter.max_total_latency_ms 0", StatusCode.InvalidArgument, Filter(Wire.Double(3, 0)))
                .Add("filter.max_total_latency_ms +infinity", StatusCode.InvalidArgument, Filter(Wire.Double(3, double.PositiveInfinity)))
                .Add("filter.min_completion_tokens above max_completion_tokens", StatusCode.InvalidArgument, Filter(Wire.Varint(4, 10), Wire.Varint(5, 5)))
                .Add("filter.persona neither configured nor journaled", StatusCode.InvalidArgument, Filter(Wire.String(6, "nobody")))
                .Add("filter.persona of 1 MiB", StatusCode.InvalidArgument, Filter(Wire.String(6, new string('p', 1 << 20))))
                .Add("filter.persona with invalid UTF-8", StatusCode.InvalidArgument, Filter(Wire.Bytes(6, Wire.InvalidUtf8)))
                .Add("filter.since after until", StatusCode.InvalidArgument, Filter(Wire.Timestamp(7, 2_000_000_000, 0), Wire.Timestamp(8, 1_000_000_000, 0)))
                .Add("filter.since with nanos -1", StatusCode.InvalidArgument, Filter(Wire.Timestamp(7, 1_000_000_000, -1)))
                .Add("filter.until with seconds 2^62", StatusCode.InvalidArgument, Filter(Wire.Timestamp(8, 1L << 62, 0)));
        }

        // Every row here is one the contract refuses: an accepted comparison would run the model for minutes.
        table.Rpc(Service, "CompareAdapter").Malformed(whenEmpty: StatusCode.FailedPrecondition)
            .Add("persona unknown", StatusCode.InvalidArgument, Wire.String(1, "nobody"))
            .Add("persona with invalid UTF-8", StatusCode.InvalidArgument, Wire.Bytes(1, Wire.InvalidUtf8))
            .Add("adapter_path outside the model folders", StatusCode.PermissionDenied, Wire.String(2, "/nonexistent/adapter.gguf"))
            .Add("adapter_path /etc/passwd", StatusCode.PermissionDenied, Wire.String(2, "/etc/passwd"))
            .Add("prompt_suite_path /etc/passwd", StatusCode.PermissionDenied, Wire.String(4, "/etc/passwd"))
            .Add("adapter_path with invalid UTF-8", StatusCode.InvalidArgument, Wire.Bytes(2, Wire.InvalidUtf8));
        table.Rpc(Service, "GetLastComparison").Malformed(whenEmpty: StatusCode.NotFound);
    }
}
