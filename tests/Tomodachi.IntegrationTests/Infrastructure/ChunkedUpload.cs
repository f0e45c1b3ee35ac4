using System.Net.Sockets;
using System.Text;

namespace Tomodachi.IntegrationTests.Infrastructure;

/// <summary>
/// Sends a chunked POST the way a careful client does: it stops writing as soon as the server has answered.
/// HttpClient keeps writing after an early 413 and reports the server's close as its own failure, hiding the answer.
/// </summary>
internal static class ChunkedUpload
{
    private const int ChunkBytes = 64 * 1024;

    /// <summary>Posts up to <paramref name="bodyBytes"/> zero bytes to <paramref name="path"/>; returns the status code.</summary>
    public static async Task<int> PostAsync(Uri server, string path, long bodyBytes, CancellationToken cancellationToken)
    {
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(server.Host, server.Port, cancellationToken);
        var stream = tcp.GetStream();
        await stream.WriteAsync(Encoding.ASCII.GetBytes(
            $"POST {path} HTTP/1.1\r\nHost: {server.Authority}\r\nContent-Type: application/octet-stream\r\nTransfer-Encoding: chunked\r\n\r\n"),
            cancellationToken);

        var answer = ReadStatusCodeAsync(stream, cancellationToken);
        var chunk = Encoding.ASCII.GetBytes($"{ChunkBytes:x}\r\n").Concat(new byte[ChunkBytes]).Concat("\r\n"u8.ToArray()).ToArray();
        try
        {
            for (long sent = 0; sent < bodyBytes && !answer.IsCompleted; sent += ChunkBytes)
            {
                await stream.WriteAsync(chunk, cancellationToken);
            }

            if (!answer.IsCompleted)
            {
                await stream.WriteAsync("0\r\n\r\n"u8.ToArray(), cancellationToken);
            }
        }
        catch (IOException)
        {
            // The server closed the connection after answering; the answer is what counts.
        }

        return await answer;
    }

    /// <summary>The status code of the response that starts on <paramref name="stream"/>.</summary>
    public static async Task<int> ReadStatusCodeAsync(NetworkStream stream, CancellationToken cancellationToken)
    {
        var received = new StringBuilder();
        var buffer = new byte[1024];
        while (!received.ToString().Contains("\r\n", StringComparison.Ordinal))
        {
            var read = await stream.ReadAsync(buffer, cancellationToken);
            if (read == 0)
            {
                throw new IOException($"The server closed the connection without a status line (got \"{received}\").");
            }

            received.Append(Encoding.ASCII.GetString(buffer, 0, read));
        }

        // "HTTP/1.1 413 Payload Too Large"
        return int.Parse(received.ToString().Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture);
    }
}
