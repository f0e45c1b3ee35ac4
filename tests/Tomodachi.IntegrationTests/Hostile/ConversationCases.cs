using Grpc.Core;
using Tomodachi.Inference.V1;

namespace Tomodachi.IntegrationTests.Hostile;

/// <summary>
/// tomodachi.inference.v1.ConversationService. No row names the seeded turn's conversation where it could change it:
/// the sweep's other rows need it.
/// </summary>
internal static class ConversationCases
{
    private const string Unknown = "hostile-no-such-conversation";
    private static readonly Google.Protobuf.Reflection.ServiceDescriptor Service = ConversationService.Descriptor;

    public static void AddTo(CaseTable table)
    {
        table.Rpc(Service, "ListConversations").Malformed(whenEmpty: StatusCode.OK)
            .Add("page_size 201 (limit 200)", StatusCode.InvalidArgument, Wire.Varint(1, 201))
            .Add("page_size -1 (ten-byte varint)", StatusCode.InvalidArgument, Wire.Varint(1, -1))
            .Add("page_token not issued by the journal", StatusCode.InvalidArgument, Wire.String(2, "%%not-base64%%"))
            .Add("page_token with invalid UTF-8", StatusCode.InvalidArgument, Wire.Bytes(2, Wire.InvalidUtf8));

        foreach (var rpc in new[] { "GetConversation", "DeleteConversation" })
        {
            SessionRows(table.Rpc(Service, rpc).Malformed(whenEmpty: StatusCode.InvalidArgument))
                .Add("session_id of no conversation", StatusCode.NotFound, Wire.String(1, Unknown));
        }

        SessionRows(table.Rpc(Service, "RenameConversation").Malformed(whenEmpty: StatusCode.InvalidArgument), Wire.String(2, "title"))
            .Add("session_id of no conversation", StatusCode.NotFound, Wire.String(1, Unknown), Wire.String(2, "title"))
            .Add("title of spaces only", StatusCode.InvalidArgument, Wire.String(1, Unknown), Wire.String(2, "   "))
            .Add("title of 201 characters (limit 200)", StatusCode.InvalidArgument, Wire.String(1, Unknown), Wire.String(2, new string('t', 201)))
            .Add("title with invalid UTF-8", StatusCode.InvalidArgument, Wire.String(1, Unknown), Wire.Bytes(2, Wire.InvalidUtf8));

        SessionRows(table.Rpc(Service, "ExportConversation").Malformed(whenEmpty: StatusCode.InvalidArgument), Wire.Varint(2, 1))
            .Add("format unspecified", StatusCode.InvalidArgument, Wire.String(1, Unknown))
            .Add("format 99", StatusCode.InvalidArgument, Wire.String(1, Unknown), Wire.Varint(2, 99))
            .Add("session_id of no conversation", StatusCode.NotFound, Wire.String(1, Unknown), Wire.Varint(2, 1));

        // Never confirmed: a row that forgot everything would change what every other row checks.
        table.Rpc(Service, "ForgetEverything").Malformed(whenEmpty: StatusCode.InvalidArgument)
            .Add("confirm false", StatusCode.InvalidArgument, Wire.Varint(1, 0));
    }

    /// <summary>The session_id rows every RPC that names a conversation gets, with the rest of a valid request.</summary>
    private static CaseTable.Rows SessionRows(CaseTable.Rows rows, params byte[][] rest) => rows
        .Add("session_id of 65 characters (limit 64)", StatusCode.InvalidArgument, [Wire.String(1, new string('s', 65)), .. rest])
        .Add("session_id of 1 MiB", StatusCode.InvalidArgument, [Wire.String(1, new string('s', 1 << 20)), .. rest])
        .Add("session_id with a path separator", StatusCode.InvalidArgument, [Wire.String(1, "../../etc/passwd"), .. rest])
        .Add("session_id with invalid UTF-8", StatusCode.InvalidArgument, [Wire.Bytes(1, Wire.InvalidUtf8), .. rest]);
}
