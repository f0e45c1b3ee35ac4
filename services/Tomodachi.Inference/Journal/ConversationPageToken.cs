using System.Buffers.Binary;
using System.Text;

namespace Tomodachi.Inference.Journal;

/// <summary>
/// The keyset position after the last conversation of a page — (last activity, session id), the order of the
/// listing. Opaque to clients: URL-safe base64 of a version byte, the time and the id.
/// </summary>
internal readonly record struct ConversationPageToken(long LastActivityUnixNs, string SessionId)
{
    private const byte Version = 1;

    public string Encode()
    {
        var id = Encoding.UTF8.GetBytes(SessionId);
        var bytes = new byte[1 + 8 + id.Length];
        bytes[0] = Version;
        BinaryPrimitives.WriteInt64BigEndian(bytes.AsSpan(1), LastActivityUnixNs);
        id.CopyTo(bytes, 9);
        return Base64Url.Encode(bytes);
    }

    /// <exception cref="ArgumentException">The token is not one this journal issued.</exception>
    public static ConversationPageToken Decode(string token)
    {
        var bytes = Base64Url.Decode(token);
        if (bytes is not { Length: > 9 } || bytes[0] != Version)
        {
            throw new ArgumentException("page_token is not valid: pass the next_page_token of a previous ListConversations response unchanged.");
        }

        return new ConversationPageToken(BinaryPrimitives.ReadInt64BigEndian(bytes.AsSpan(1)), Encoding.UTF8.GetString(bytes.AsSpan(9)));
    }
}
