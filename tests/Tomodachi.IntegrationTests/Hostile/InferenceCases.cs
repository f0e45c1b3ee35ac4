using Grpc.Core;
using Tomodachi.Inference.V1;
using static Tomodachi.IntegrationTests.Hostile.CaseTable.Rows;

namespace Tomodachi.IntegrationTests.Hostile;

/// <summary>
/// tomodachi.inference.v1. LoadModel, UnloadModel, PullModel and DeleteModel get only rows that are refused before
/// anything happens: an accepted one would switch, unload, download or delete models under the rest of the sweep.
/// Paths outside the model folders are PERMISSION_DENIED and leave the model loaded.
/// </summary>
internal static class InferenceCases
{
    private static readonly Google.Protobuf.Reflection.ServiceDescriptor Service = InferenceService.Descriptor;

    private static byte[] Chat(params byte[][] replaced) =>
        Wire.Join([Of(new ChatRequest { SessionId = "hostile", Message = "hi", MaxTokens = 1 }), .. replaced]);

    private static byte[] Sampling(params byte[][] fields) => Chat(Wire.Message(5, fields));

    /// <summary>A CompleteRequest's messages (field 1, repeated).</summary>
    private static byte[] Complete(params byte[][] messages) => Wire.Join(messages);

    private static byte[] Message(long role, string content) => Wire.Message(1, Wire.Varint(1, role), Wire.String(2, content));

    public static void AddTo(CaseTable table)
    {
        table.Rpc(Service, "GetModel").Malformed(whenEmpty: StatusCode.OK);
        table.Rpc(Service, "LoadModel").Malformed()
            .Add("path with invalid UTF-8", StatusCode.InvalidArgument, Wire.Bytes(1, Wire.InvalidUtf8))
            .Add("path /etc/passwd", StatusCode.PermissionDenied, Wire.String(1, "/etc/passwd"))
            .Add("name climbing out of the folders", StatusCode.PermissionDenied, Wire.String(1, "../../../../../etc/passwd"))
            .Add("path through .. out of the cache", StatusCode.PermissionDenied, Wire.String(1, "/tmp/../etc/hostname"))
            .Add("name of no model", StatusCode.NotFound, Wire.String(1, "no-such-model"))
            .Add("hf: reference never pulled", StatusCode.NotFound, Wire.String(1, "hf:nobody/nothing/none.gguf"))
            .Add("malformed hf: reference", StatusCode.InvalidArgument, Wire.String(1, "hf:nobody/../none.gguf"))
            .Add("path with a NUL character", StatusCode.InvalidArgument, Wire.String(1, "model\0.gguf"));
        table.Rpc(Service, "ListModels").Malformed(whenEmpty: StatusCode.OK);
        table.Rpc(Service, "PullModel").Malformed(whenEmpty: StatusCode.InvalidArgument)
            .Add("reference that is a path", StatusCode.InvalidArgument, Wire.String(1, "/etc/passwd"))
            .Add("reference that is a URL", StatusCode.InvalidArgument, Wire.String(1, "https://huggingface.co/a/b/resolve/main/c.gguf"))
            .Add("hf: reference climbing out of the cache", StatusCode.InvalidArgument, Wire.String(1, "hf:a/../../c.gguf"))
            .Add("reference with invalid UTF-8", StatusCode.InvalidArgument, Wire.Bytes(1, Wire.InvalidUtf8));
        table.Rpc(Service, "DeleteModel").Malformed(whenEmpty: StatusCode.InvalidArgument)
            .Add("name /etc/passwd", StatusCode.PermissionDenied, Wire.String(1, "/etc/passwd"))
            .Add("name climbing out of the folders", StatusCode.PermissionDenied, Wire.String(1, "../../../../../etc/hostname"))
            .Add("name of no model", StatusCode.NotFound, Wire.String(1, "no-such-model"))
            .Add("name with invalid UTF-8", StatusCode.InvalidArgument, Wire.Bytes(1, Wire.InvalidUtf8));
        table.Rpc(Service, "UnloadModel").Malformed();
        table.Rpc(Service, "CountTokens").Malformed(whenEmpty: StatusCode.OK)
            .Add("text with invalid UTF-8", StatusCode.InvalidArgument, Wire.Bytes(1, Wire.InvalidUtf8))
            .Add("add_bos as varint 2", StatusCode.OK, Wire.String(1, "hello"), Wire.Varint(2, 2));
        table.Rpc(Service, "ListPersonas").Malformed(whenEmpty: StatusCode.OK);
        table.Rpc(Service, "GetProcessMemory").Malformed(whenEmpty: StatusCode.OK);
        table.Rpc(Service, "WatchStatus").Malformed(whenEmpty: StatusCode.OK);
        table.Rpc(Service, "WatchTurns").Malformed(whenEmpty: StatusCode.OK);

        table.Rpc(Service, "Chat").Malformed(whenEmpty: StatusCode.InvalidArgument)
            .Add("session_id empty", StatusCode.InvalidArgument, Chat(Wire.String(1, "")))
            .Add("session_id of 65 characters (limit 64)", StatusCode.InvalidArgument, Chat(Wire.String(1, new string('s', 65))))
            .Add("session_id of 1 MiB", StatusCode.InvalidArgument, Chat(Wire.String(1, new string('s', 1 << 20))))
            .Add("session_id with a path separator", StatusCode.InvalidArgument, Chat(Wire.String(1, "../../etc/passwd")))
            .Add("session_id with invalid UTF-8", StatusCode.InvalidArgument, Chat(Wire.Bytes(1, Wire.InvalidUtf8)))
            .Add("message whitespace only", StatusCode.InvalidArgument, Chat(Wire.String(2, " \t\r\n ")))
            .Add("message of 16385 bytes (limit 16384)", StatusCode.InvalidArgument, Chat(Wire.String(2, new string('m', 16385))))
            .Add("message of 8193 two-byte characters (16386 bytes)", StatusCode.InvalidArgument, Chat(Wire.String(2, new string('é', 8193))))
            .Add("message of 3 MiB", StatusCode.InvalidArgument, Chat(Wire.String(2, new string('m', 3 << 20))))
            .Add("message with invalid UTF-8", StatusCode.InvalidArgument, Chat(Wire.Bytes(2, Wire.InvalidUtf8)))
            .Add("persona unknown", StatusCode.InvalidArgument, Chat(Wire.String(3, "nobody")))
            .Add("persona of 1 MiB", StatusCode.InvalidArgument, Chat(Wire.String(3, new string('p', 1 << 20))))
            .Add("persona with invalid UTF-8", StatusCode.InvalidArgument, Chat(Wire.Bytes(3, Wire.InvalidUtf8)))
            .Add("max_tokens 0", StatusCode.InvalidArgument, Chat(Wire.Varint(4, 0)))
            .Add("max_tokens 4294967295", StatusCode.InvalidArgument, Chat(Wire.Varint(4, uint.MaxValue)))
            .Add("max_tokens -1 (ten-byte varint)", StatusCode.InvalidArgument, Chat(Wire.Varint(4, -1)))
            .Add("sampling.temperature -1", StatusCode.InvalidArgument, Sampling(Wire.Float(1, -1)))
            .Add("sampling.temperature 5.5", StatusCode.InvalidArgument, Sampling(Wire.Float(1, 5.5f)))
            .Add("sampling.temperature NaN", StatusCode.InvalidArgument, Sampling(Wire.Float(1, float.NaN)))
            .Add("sampling.temperature +infinity", StatusCode.InvalidArgument, Sampling(Wire.Float(1, float.PositiveInfinity)))
            .Add("sampling.top_p 0", StatusCode.InvalidArgument, Sampling(Wire.Float(2, 0)))
            .Add("sampling.top_p 1.5", StatusCode.InvalidArgument, Sampling(Wire.Float(2, 1.5f)))
            .Add("sampling.top_p NaN", StatusCode.InvalidArgument, Sampling(Wire.Float(2, float.NaN)))
            .Add("sampling.repeat_penalty 0", StatusCode.InvalidArgument, Sampling(Wire.Float(4, 0)))
            .Add("sampling.repeat_penalty -infinity", StatusCode.InvalidArgument, Sampling(Wire.Float(4, float.NegativeInfinity)))
            .Add("sampling.repeat_penalty NaN", StatusCode.InvalidArgument, Sampling(Wire.Float(4, float.NaN)))
            .Add("sampling that is not a message", StatusCode.InvalidArgument, Chat(Wire.Bytes(5, [0xFF, 0xFF])))
            .Add("replace_last_turn of a session with no turns", StatusCode.NotFound, Chat(Wire.String(1, "hostile-empty"), Wire.Varint(6, 1)))
            .Add("5 stop sequences (limit 4)", StatusCode.InvalidArgument, Chat([.. Enumerable.Range(0, 5).SelectMany(i => Wire.String(7, $"s{i}"))]))
            .Add("stop sequence of 65 bytes (limit 64)", StatusCode.InvalidArgument, Chat(Wire.String(7, new string('x', 65))))
            .Add("stop sequence empty", StatusCode.InvalidArgument, Chat(Wire.String(7, "")));

        table.Rpc(Service, "Complete").Malformed(whenEmpty: StatusCode.InvalidArgument)
            .Add("a message without a role", StatusCode.InvalidArgument, Complete(Message(0, "hi")))
            .Add("the last message is the assistant's", StatusCode.InvalidArgument, Complete(Message(2, "hi"), Message(3, "hello")))
            .Add("the last message is empty", StatusCode.InvalidArgument, Complete(Message(2, "")))
            .Add("the last message of 16385 bytes (limit 16384)", StatusCode.InvalidArgument, Complete(Message(2, new string('m', 16385))))
            .Add("messages of 2 MiB in all (limit 1 MiB)", StatusCode.InvalidArgument,
                Complete([.. Enumerable.Range(0, 160).Select(_ => Message(3, new string('a', 13_200))), Message(2, "hi")]))
            .Add("a message with invalid UTF-8", StatusCode.InvalidArgument, Wire.Message(1, Wire.Varint(1, 2), Wire.Bytes(2, Wire.InvalidUtf8)))
            .Add("role 99", StatusCode.InvalidArgument, Complete(Message(99, "hi")))
            .Add("persona unknown", StatusCode.InvalidArgument, Complete(Message(2, "hi")), Wire.String(2, "nobody"))
            .Add("session_id without a persona", StatusCode.InvalidArgument, Complete(Message(2, "hi")), Wire.String(3, "hostile"))
            .Add("session_id with a path separator", StatusCode.InvalidArgument, Complete(Message(2, "hi")), Wire.String(2, "tomodachi"), Wire.String(3, "../x"))
            .Add("max_tokens 0", StatusCode.InvalidArgument, Complete(Message(2, "hi")), Wire.Varint(4, 0))
            .Add("5 stop sequences (limit 4)", StatusCode.InvalidArgument,
                Complete(Message(2, "hi")), Wire.Join([.. Enumerable.Range(0, 5).SelectMany(i => Wire.String(6, $"s{i}"))]));

        table.Rpc(Service, "ListTurns").Malformed(whenEmpty: StatusCode.OK)
            .Add("page_size 501 (limit 500)", StatusCode.InvalidArgument, Wire.Varint(1, 501))
            .Add("page_size -1 (ten-byte varint)", StatusCode.InvalidArgument, Wire.Varint(1, -1))
            .Add("page_token not issued by the journal", StatusCode.InvalidArgument, Wire.String(2, "bm90IGEgdG9rZW4"))
            .Add("page_token of 1 MiB", StatusCode.InvalidArgument, Wire.String(2, new string('A', 1 << 20)))
            .Add("page_token with invalid UTF-8", StatusCode.InvalidArgument, Wire.Bytes(2, Wire.InvalidUtf8))
            .Add("session_id with invalid UTF-8", StatusCode.InvalidArgument, Wire.Bytes(3, Wire.InvalidUtf8))
            .Add("session_id of 1 MiB (no such session)", StatusCode.OK, Wire.String(3, new string('s', 1 << 20)))
            .Add("since after until", StatusCode.InvalidArgument, Wire.Timestamp(4, 2_000_000_000, 0), Wire.Timestamp(5, 1_000_000_000, 0))
            .Add("since with nanos -1", StatusCode.InvalidArgument, Wire.Timestamp(4, 1_000_000_000, -1))
            .Add("since with nanos 1e9", StatusCode.InvalidArgument, Wire.Timestamp(4, 1_000_000_000, 1_000_000_000))
            .Add("since in the year 10000", StatusCode.InvalidArgument, Wire.Timestamp(4, 253_402_300_800, 0))
            .Add("until with seconds 2^62", StatusCode.InvalidArgument, Wire.Timestamp(5, 1L << 62, 0))
            .Add("until in the year 9999 (past the journal's 2262)", StatusCode.OK, Wire.Timestamp(5, 253_402_300_799, 0))
            .Add("since in the year 1", StatusCode.OK, Wire.Timestamp(4, -62_135_596_800, 0));
    }
}
