using System.Buffers.Text;
using System.Globalization;
using System.Text;
using Tomodachi.Memory.Storage;

namespace Tomodachi.Memory.Grpc;

/// <summary>
/// A List page token: the (time, id) of the last memory sent, so the next page starts right after it whatever was
/// stored or deleted in between. Opaque to clients; one that does not parse is refused.
/// </summary>
internal static class ListPageToken
{
    private const string Version = "m1";

    public static string Encode(ListCursor? cursor) =>
        cursor is null
            ? ""
            : Base64Url.EncodeToString(Encoding.UTF8.GetBytes(
                string.Create(CultureInfo.InvariantCulture, $"{Version}:{cursor.CreatedAtMicroseconds}:{cursor.Id:N}")));

    public static ListCursor? Decode(string token)
    {
        if (token.Length == 0)
        {
            return null;
        }

        try
        {
            var parts = Encoding.UTF8.GetString(Base64Url.DecodeFromChars(token)).Split(':');
            if (parts.Length == 3 && parts[0] == Version
                && long.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var micros)
                && Guid.TryParseExact(parts[2], "N", out var id))
            {
                return new ListCursor(micros, id);
            }
        }
        catch (FormatException)
        {
            // Not base64url: refused below like any other token this service did not issue.
        }

        throw MemoryMapping.Invalid("page_token was not issued by List (or was altered); start again with an empty page_token.");
    }
}
