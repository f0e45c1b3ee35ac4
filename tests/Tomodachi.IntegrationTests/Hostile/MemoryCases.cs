using Grpc.Core;
using Tomodachi.Memory.V1;
using static Tomodachi.IntegrationTests.Hostile.CaseTable.Rows;

namespace Tomodachi.IntegrationTests.Hostile;

/// <summary>tomodachi.memory.v1. Every row that would store something is one the contract says is refused.</summary>
internal static class MemoryCases
{
    private const string UnknownId = "0192f1c2-7b3e-7c1a-9d4e-2f6a8b0c1d2e";
    private static readonly Google.Protobuf.Reflection.ServiceDescriptor Service = MemoryService.Descriptor;

    private static readonly NewMemory Valid = new() { Text = "a hostile probe", Role = MemoryRole.User, SessionId = "hostile" };

    /// <summary>A valid NewMemory with the given fields written over it.</summary>
    private static byte[] Memory(params byte[][] replaced) => Wire.Join([Of(Valid), .. replaced]);

    private static byte[] Store(params byte[][] replaced) => Wire.Message(1, Memory(replaced));

    /// <summary>An import stream's message: a valid memory with the given fields written over it.</summary>
    private static byte[] Import(params byte[][] replaced) =>
        Wire.Message(1, [Of(new Tomodachi.Memory.V1.Memory { Id = UnknownId, Text = "a hostile probe", SessionId = "hostile" }), .. replaced]);

    private static byte[] Search(params byte[][] replaced) => Wire.Join([Of(new SearchRequest { Query = "probe", K = 3 }), .. replaced]);

    private static byte[] Filter(params byte[][] fields) => Search(Wire.Message(3, fields));

    private static byte[] Metadata(string key, string value) => Wire.Message(5, Wire.String(1, key), Wire.String(2, value));

    public static void AddTo(CaseTable table)
    {
        table.Rpc(Service, "Store").Malformed(whenEmpty: StatusCode.InvalidArgument)
            .Add("memory.text empty", StatusCode.InvalidArgument, Store(Wire.String(1, "")))
            .Add("memory.text whitespace only", StatusCode.InvalidArgument, Store(Wire.String(1, "\n \t")))
            .Add("memory.text of 32 KiB + 1 byte", StatusCode.InvalidArgument, Store(Wire.String(1, new string('t', 32 * 1024 + 1))))
            .Add("memory.text of 3 MiB", StatusCode.InvalidArgument, Store(Wire.String(1, new string('t', 3 << 20))))
            .Add("memory.text with invalid UTF-8", StatusCode.InvalidArgument, Store(Wire.Bytes(1, Wire.InvalidUtf8)))
            .Add("memory.role 99 (unknown enum value)", StatusCode.InvalidArgument, Store(Wire.Varint(2, 99)))
            .Add("memory.role -1", StatusCode.InvalidArgument, Store(Wire.Varint(2, -1)))
            .Add("memory.session_id of 257 characters (limit 256)", StatusCode.InvalidArgument, Store(Wire.String(3, new string('s', 257))))
            .Add("memory.session_id with invalid UTF-8", StatusCode.InvalidArgument, Store(Wire.Bytes(3, Wire.InvalidUtf8)))
            .Add("memory.created_at with nanos -1", StatusCode.InvalidArgument, Store(Wire.Timestamp(4, 1_000_000_000, -1)))
            .Add("memory.created_at with seconds 2^62", StatusCode.InvalidArgument, Store(Wire.Timestamp(4, 1L << 62, 0)))
            .Add("memory.created_at with seconds -2^62", StatusCode.InvalidArgument, Store(Wire.Timestamp(4, -(1L << 62), 0)))
            .Add("memory.metadata with 65 entries (limit 64)", StatusCode.InvalidArgument,
                Store([.. Enumerable.Range(0, 65).Select(i => Metadata($"k{i}", "v"))]))
            .Add("memory.metadata key empty", StatusCode.InvalidArgument, Store(Metadata("", "v")))
            .Add("memory.metadata key of 129 characters", StatusCode.InvalidArgument, Store(Metadata(new string('k', 129), "v")))
            .Add("memory.metadata value of 4097 characters", StatusCode.InvalidArgument, Store(Metadata("k", new string('v', 4097))))
            .Add("memory.metadata key with invalid UTF-8", StatusCode.InvalidArgument,
                Store(Wire.Message(5, Wire.Bytes(1, Wire.InvalidUtf8), Wire.String(2, "v"))))
            .Add("memory.metadata value with invalid UTF-8", StatusCode.InvalidArgument,
                Store(Wire.Message(5, Wire.String(1, "k"), Wire.Bytes(2, Wire.InvalidUtf8))))
            .Add("memory that is not a message", StatusCode.InvalidArgument, Wire.Bytes(1, [0xFF, 0xFF]));

        table.Rpc(Service, "StoreBatch").Malformed(whenEmpty: StatusCode.InvalidArgument)
            .Add("1001 memories (limit 1000)", StatusCode.InvalidArgument, [.. Enumerable.Range(0, 1001).SelectMany(_ => Wire.Message(1, Memory()))])
            .Add("a valid memory, then one with empty text (all or none)", StatusCode.InvalidArgument,
                Wire.Message(1, Memory()), Wire.Message(1, Memory(Wire.String(1, ""))))
            .Add("a valid memory, then one with role 99 (all or none)", StatusCode.InvalidArgument,
                Wire.Message(1, Memory()), Wire.Message(1, Memory(Wire.Varint(2, 99))));

        table.Rpc(Service, "Search").Malformed(whenEmpty: StatusCode.InvalidArgument)
            .Add("query empty", StatusCode.InvalidArgument, Search(Wire.String(1, "")))
            .Add("query of 32 KiB + 1 byte", StatusCode.InvalidArgument, Search(Wire.String(1, new string('q', 32 * 1024 + 1))))
            .Add("query with invalid UTF-8", StatusCode.InvalidArgument, Search(Wire.Bytes(1, Wire.InvalidUtf8)))
            .Add("k 0", StatusCode.InvalidArgument, Search(Wire.Varint(2, 0)))
            .Add("k 101 (limit 100)", StatusCode.InvalidArgument, Search(Wire.Varint(2, 101)))
            .Add("k -1 (ten-byte varint)", StatusCode.InvalidArgument, Search(Wire.Varint(2, -1)))
            .Add("filter.session_id of 257 characters", StatusCode.InvalidArgument, Filter(Wire.String(1, new string('s', 257))))
            .Add("filter.role 99", StatusCode.InvalidArgument, Filter(Wire.Varint(2, 99)))
            .Add("filter.created_after not before created_before", StatusCode.InvalidArgument,
                Filter(Wire.Timestamp(3, 2_000_000_000, 0), Wire.Timestamp(4, 1_000_000_000, 0)))
            .Add("filter.created_before with nanos 1e9", StatusCode.InvalidArgument, Filter(Wire.Timestamp(4, 1_000_000_000, 1_000_000_000)))
            .Add("filter.min_score 1.5", StatusCode.InvalidArgument, Filter(Wire.Float(5, 1.5f)))
            .Add("filter.min_score -1.5", StatusCode.InvalidArgument, Filter(Wire.Float(5, -1.5f)))
            .Add("filter.min_score NaN", StatusCode.InvalidArgument, Filter(Wire.Float(5, float.NaN)));

        table.Rpc(Service, "Get").Malformed(whenEmpty: StatusCode.InvalidArgument)
            .Add("id not a UUID", StatusCode.InvalidArgument, Wire.String(1, "not-a-uuid"))
            .Add("id of 1 MiB", StatusCode.InvalidArgument, Wire.String(1, new string('1', 1 << 20)))
            .Add("id with invalid UTF-8", StatusCode.InvalidArgument, Wire.Bytes(1, Wire.InvalidUtf8))
            .Add("id of no memory", StatusCode.NotFound, Wire.String(1, UnknownId));

        table.Rpc(Service, "Delete").Malformed(whenEmpty: StatusCode.InvalidArgument)
            .Add("id empty", StatusCode.InvalidArgument, Wire.String(1, ""))
            .Add("id not a UUID", StatusCode.InvalidArgument, Wire.String(1, "'; DROP TABLE memories; --"))
            .Add("id with invalid UTF-8", StatusCode.InvalidArgument, Wire.Bytes(1, Wire.InvalidUtf8))
            .Add("id of no memory", StatusCode.NotFound, Wire.String(1, UnknownId))
            .Add("session_id empty", StatusCode.InvalidArgument, Wire.String(2, ""))
            .Add("session_id of 257 characters", StatusCode.InvalidArgument, Wire.String(2, new string('s', 257)))
            .Add("session_id with invalid UTF-8", StatusCode.InvalidArgument, Wire.Bytes(2, Wire.InvalidUtf8))
            .Add("session_id of no memory (nothing to delete)", StatusCode.OK, Wire.String(2, "no-such-session"))
            .Add("all false", StatusCode.InvalidArgument, Wire.Varint(3, 0));

        table.Rpc(Service, "List").Malformed(whenEmpty: StatusCode.OK)
            .Add("page_size 201 (limit 200)", StatusCode.InvalidArgument, Wire.Varint(1, 201))
            .Add("page_size -1 (ten-byte varint)", StatusCode.InvalidArgument, Wire.Varint(1, -1))
            .Add("page_token not issued by List", StatusCode.InvalidArgument, Wire.String(2, "%%not-base64%%"))
            .Add("page_token with invalid UTF-8", StatusCode.InvalidArgument, Wire.Bytes(2, Wire.InvalidUtf8))
            .Add("filter.text_contains of 1025 characters (limit 1024)", StatusCode.InvalidArgument, Wire.Message(3, Wire.String(1, new string('t', 1025))))
            .Add("filter.session_id of 257 characters", StatusCode.InvalidArgument, Wire.Message(3, Wire.String(2, new string('s', 257))))
            .Add("filter.role 99", StatusCode.InvalidArgument, Wire.Message(3, Wire.Varint(3, 99)))
            .Add("filter.origin 99", StatusCode.InvalidArgument, Wire.Message(3, Wire.Varint(4, 99)))
            .Add("filter.created_after not before created_before", StatusCode.InvalidArgument,
                Wire.Message(3, Wire.Timestamp(5, 2_000_000_000, 0), Wire.Timestamp(6, 1_000_000_000, 0)));

        table.Rpc(Service, "Update").Malformed(whenEmpty: StatusCode.InvalidArgument)
            .Add("id not a UUID", StatusCode.InvalidArgument, Wire.String(1, "not-a-uuid"), Wire.String(2, "new text"))
            .Add("neither text nor pinned", StatusCode.InvalidArgument, Wire.String(1, UnknownId))
            .Add("text empty", StatusCode.InvalidArgument, Wire.String(1, UnknownId), Wire.String(2, ""))
            .Add("text whitespace only", StatusCode.InvalidArgument, Wire.String(1, UnknownId), Wire.String(2, " \n\t"))
            .Add("text of 32 KiB + 1 byte", StatusCode.InvalidArgument, Wire.String(1, UnknownId), Wire.String(2, new string('t', 32 * 1024 + 1)))
            .Add("text with invalid UTF-8", StatusCode.InvalidArgument, Wire.String(1, UnknownId), Wire.Bytes(2, Wire.InvalidUtf8))
            .Add("id of no memory", StatusCode.NotFound, Wire.String(1, UnknownId), Wire.Varint(3, 1));

        table.Rpc(Service, "Import").Malformed(whenEmpty: StatusCode.InvalidArgument)
            .Stream("no messages at all", StatusCode.OK, _ => [])
            .Add("memory.id not a UUID", StatusCode.InvalidArgument, Import(Wire.String(1, "not-a-uuid")))
            .Add("memory.text empty", StatusCode.InvalidArgument, Import(Wire.String(2, "")))
            .Add("memory.text with invalid UTF-8", StatusCode.InvalidArgument, Import(Wire.Bytes(2, Wire.InvalidUtf8)))
            .Add("memory.role 99", StatusCode.InvalidArgument, Import(Wire.Varint(3, 99)))
            .Add("memory.created_at with nanos -1", StatusCode.InvalidArgument, Import(Wire.Timestamp(5, 1_000_000_000, -1)));

        table.Rpc(Service, "Embed").Malformed(whenEmpty: StatusCode.InvalidArgument)
            .Add("257 texts (limit 256)", StatusCode.InvalidArgument, [.. Enumerable.Range(0, 257).SelectMany(_ => Wire.String(1, "probe"))])
            .Add("a text empty", StatusCode.InvalidArgument, Wire.String(1, "probe"), Wire.String(1, ""))
            .Add("a text whitespace only", StatusCode.InvalidArgument, Wire.String(1, " \n\t"))
            .Add("a text of 32 KiB + 1 byte", StatusCode.InvalidArgument, Wire.String(1, new string('t', 32 * 1024 + 1)))
            .Add("a text with invalid UTF-8", StatusCode.InvalidArgument, Wire.Bytes(1, Wire.InvalidUtf8))
            .Add("purpose 99 (unknown enum value)", StatusCode.InvalidArgument, Wire.String(1, "probe"), Wire.Varint(2, 99))
            .Add("purpose -1", StatusCode.InvalidArgument, Wire.String(1, "probe"), Wire.Varint(2, -1));

        table.Rpc(Service, "Export").Malformed(whenEmpty: StatusCode.OK);
        table.Rpc(Service, "GetStats").Malformed(whenEmpty: StatusCode.OK);
        table.Rpc(Service, "GetRetrievalStats").Malformed(whenEmpty: StatusCode.OK);
        table.Rpc(Service, "WatchStats").Malformed(whenEmpty: StatusCode.OK);
        table.Rpc(Service, "Reindex").Malformed();
    }
}
