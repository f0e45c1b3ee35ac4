using Google.Protobuf;
using Google.Protobuf.Reflection;
using Grpc.Core;

namespace Tomodachi.IntegrationTests.Hostile;

/// <summary>Collects the rows of the sweep, one RPC at a time.</summary>
internal sealed class CaseTable
{
    /// <summary>The services' and the gateway's gRPC message limit (Grpc:MaxReceiveMessageBytes, Tomodachi:Limits).</summary>
    public const int MessageLimit = 4 * 1024 * 1024;

    private static readonly Lazy<byte[]> JustOverLimit = new(() => Wire.Bytes(999, new byte[MessageLimit + 1]));
    private static readonly Lazy<byte[]> FarBeyondLimit = new(() => Wire.Bytes(999, new byte[4 * MessageLimit]));

    private readonly List<HostileCase> cases = [];

    public IReadOnlyList<HostileCase> Cases => cases;

    public Rows Rpc(ServiceDescriptor service, string method) =>
        new(service.FindMethodByName(method) ?? throw new ArgumentException($"{service.FullName} has no method {method}."), cases);

    public sealed class Rows(MethodDescriptor rpc, List<HostileCase> cases)
    {
        public Rows Add(string input, StatusCode expected, params byte[][] message) => Add(input, expected, _ => Wire.Join(message));

        public Rows Add(string input, StatusCode expected, Func<SweepSeed, byte[]> message) =>
            Stream(input, expected, seed => [message(seed)]);

        /// <summary>A client stream of several messages.</summary>
        public Rows Stream(string input, StatusCode expected, Func<SweepSeed, byte[][]> messages)
        {
            cases.Add(new HostileCase(rpc, input, expected, messages));
            return this;
        }

        /// <summary>
        /// The rows every RPC gets: bytes that are not protobuf, a message cut short, and messages over the size
        /// limit. With <paramref name="whenEmpty"/> (the answer to an empty request, for RPCs where sending one
        /// changes nothing) also the empty message and an unknown field, which proto3 skips.
        /// </summary>
        public Rows Malformed(StatusCode? whenEmpty = null)
        {
            if (whenEmpty is { } empty)
            {
                Add("empty message", empty, []);
                Add("unknown field 999", empty, Wire.String(999, "from a newer client"));
            }

            Add("garbage bytes (wire type 7)", StatusCode.InvalidArgument, [0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF]);
            Add("truncated message (field 1 claims 16 bytes, 1 follows)", StatusCode.InvalidArgument, [0x0A, 0x10, (byte)'a']);
            Add("unknown field with a length past the end", StatusCode.InvalidArgument, [0xBA, 0x3E, 0xFF, 0xFF, 0x03, 0x00]);
            Add($"message just over the {MessageLimit}-byte limit", StatusCode.ResourceExhausted, _ => JustOverLimit.Value);
            Add($"message of {4 * MessageLimit} bytes, far beyond the limit", StatusCode.ResourceExhausted, _ => FarBeyondLimit.Value);
            return this;
        }

        public static byte[] Of(IMessage message) => message.ToByteArray();
    }
}
