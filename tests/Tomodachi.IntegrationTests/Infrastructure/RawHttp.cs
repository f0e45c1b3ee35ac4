using System.Net.Sockets;
using System.Text;

namespace Tomodachi.IntegrationTests.Infrastructure;

/// <summary>
/// One HTTP/1.1 request written byte for byte, with whatever Host and Origin a web page could make a browser send
/// (HttpClient puts its own Host on a connection): what reaches the server is exactly what the test says.
/// </summary>
internal static class RawHttp
{
    /// <returns>The response's status code.</returns>
    public static async Task<int> SendAsync(Uri server, string method, string path, string host, CancellationToken cancellationToken,
        string? origin = null, string? contentType = null, bool webSocket = false)
    {
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(server.Host, server.Port, cancellationToken);
        var request = new StringBuilder($"{method} {path} HTTP/1.1\r\nHost: {host}\r\n");
        if (origin is not null)
        {
            request.Append($"Origin: {origin}\r\n");
        }

        if (webSocket)
        {
            request.Append("Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n");
        }
        else
        {
            request.Append("Connection: close\r\n");
        }

        if (contentType is not null)
        {
            request.Append($"Content-Type: {contentType}\r\nContent-Length: 0\r\n");
        }

        var stream = tcp.GetStream();
        await stream.WriteAsync(Encoding.ASCII.GetBytes(request.Append("\r\n").ToString()), cancellationToken);
        return await ChunkedUpload.ReadStatusCodeAsync(stream, cancellationToken);
    }
}
