using Google.Protobuf;

namespace Tomodachi.IntegrationTests.Hostile;

/// <summary>
/// Protobuf bytes written by hand, for what the generated C# messages refuse to produce: invalid UTF-8 in string
/// fields, negative numbers in unsigned fields, enum numbers the contract does not know. Concatenated encodings merge
/// (the later value of a field wins), so <c>Join(valid.ToByteArray(), String(1, bad))</c> is a valid request with one
/// field replaced.
/// </summary>
internal static class Wire
{
    /// <summary>"é" cut after its first byte, then a byte that never occurs in UTF-8.</summary>
    public static readonly byte[] InvalidUtf8 = [(byte)'o', (byte)'k', 0xC3, 0x28, 0xFF];

    public static byte[] Bytes(int field, byte[] value) => Write(output =>
    {
        output.WriteTag(field, WireFormat.WireType.LengthDelimited);
        output.WriteBytes(ByteString.CopyFrom(value));
    });

    public static byte[] String(int field, string value) => Bytes(field, System.Text.Encoding.UTF8.GetBytes(value));

    public static byte[] Message(int field, params byte[][] parts) => Bytes(field, Join(parts));

    /// <summary>A varint as int64: a negative value takes ten bytes, and an int32/uint32/enum field keeps its low 32 bits.</summary>
    public static byte[] Varint(int field, long value) => Write(output =>
    {
        output.WriteTag(field, WireFormat.WireType.Varint);
        output.WriteInt64(value);
    });

    public static byte[] Float(int field, float value) => Write(output =>
    {
        output.WriteTag(field, WireFormat.WireType.Fixed32);
        output.WriteFloat(value);
    });

    public static byte[] Double(int field, double value) => Write(output =>
    {
        output.WriteTag(field, WireFormat.WireType.Fixed64);
        output.WriteDouble(value);
    });

    /// <summary>A google.protobuf.Timestamp with any seconds and nanos, valid or not.</summary>
    public static byte[] Timestamp(int field, long seconds, int nanos) => Message(field, Varint(1, seconds), Varint(2, nanos));

    public static byte[] Join(params byte[][] parts) => parts.SelectMany(part => part).ToArray();

    private static byte[] Write(Action<CodedOutputStream> write)
    {
        using var buffer = new MemoryStream();
        using (var output = new CodedOutputStream(buffer))
        {
            write(output);
        }

        return buffer.ToArray();
    }
}
