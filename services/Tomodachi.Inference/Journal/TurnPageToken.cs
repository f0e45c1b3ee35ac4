using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using Tomodachi.Inference.V1;

namespace Tomodachi.Inference.Journal;

/// <summary>
/// The keyset position after the last turn of a page — (start time, row id), the order of the listing — plus a
/// fingerprint of the filters it was issued for, so a token replayed with other filters is refused instead of
/// returning a silently wrong page. Opaque to clients: URL-safe base64 of fixed-width binary.
/// </summary>
internal readonly record struct TurnPageToken(long StartedAtUnixNs, long RowId)
{
    private const byte Version = 1;
    private const int FingerprintLength = 8;
    private const int Length = 1 + 8 + 8 + FingerprintLength;

    public string Encode(ListTurnsRequest request)
    {
        Span<byte> bytes = stackalloc byte[Length];
        bytes[0] = Version;
        BinaryPrimitives.WriteInt64BigEndian(bytes[1..], StartedAtUnixNs);
        BinaryPrimitives.WriteInt64BigEndian(bytes[9..], RowId);
        Fingerprint(request).CopyTo(bytes[17..]);
        return Base64Url.Encode(bytes);
    }

    /// <exception cref="ArgumentException">The token is not one this journal issued for these filters.</exception>
    public static TurnPageToken Decode(string token, ListTurnsRequest request)
    {
        var bytes = Base64Url.Decode(token);
        if (bytes is not { Length: Length } || bytes[0] != Version)
        {
            throw new ArgumentException("page_token is not valid: pass the next_page_token of a previous ListTurns response unchanged.");
        }

        if (!bytes.AsSpan(17).SequenceEqual(Fingerprint(request)))
        {
            throw new ArgumentException("page_token was issued for different filters: keep session_id, since and until the same while paging.");
        }

        return new TurnPageToken(BinaryPrimitives.ReadInt64BigEndian(bytes.AsSpan(1)), BinaryPrimitives.ReadInt64BigEndian(bytes.AsSpan(9)));
    }

    private static byte[] Fingerprint(ListTurnsRequest request)
    {
        var filters = $"{request.SessionId}\n{request.Since}\n{request.Until}";
        return SHA256.HashData(Encoding.UTF8.GetBytes(filters))[..FingerprintLength];
    }
}
