using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;

namespace Tomodachi.Benchmarks;

/// <summary>llama.cpp's own llama-server on a loopback port, with a streaming HTTP client as users run one.</summary>
public sealed class LlamaServer : IDisposable
{
    private const int Port = 5310;
    private readonly Process _process;
    private readonly HttpClient _http = new() { BaseAddress = new Uri($"http://127.0.0.1:{Port}"), Timeout = TimeSpan.FromMinutes(5) };

    private LlamaServer(Process process) => _process = process;

    /// <summary>Starts llama-server with the service's shape: the same threads, four slots, 1,024 tokens per slot.</summary>
    public static async Task<LlamaServer> StartAsync(string binaries, string modelPath, CancellationToken cancellationToken)
    {
        var threads = BenchmarkModel.Threads.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var start = new ProcessStartInfo(Path.Combine(binaries, "llama-server"),
            ["-m", modelPath, "-t", threads, "-tb", threads, "-c", "4096", "-np", "4", "--host", "127.0.0.1", "--port", Port.ToString(System.Globalization.CultureInfo.InvariantCulture)])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        var server = new LlamaServer(Process.Start(start) ?? throw new InvalidOperationException("llama-server did not start."));
        server._process.OutputDataReceived += (_, _) => { };
        server._process.ErrorDataReceived += (_, _) => { };
        server._process.BeginOutputReadLine();
        server._process.BeginErrorReadLine();
        for (var attempt = 0; attempt < 600; attempt++)
        {
            try
            {
                if ((await server._http.GetAsync("/health", cancellationToken)).IsSuccessStatusCode)
                {
                    return server;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }

            await Task.Delay(100, cancellationToken);
        }

        server.Dispose();
        throw new TimeoutException("llama-server did not become healthy within a minute.");
    }

    /// <summary>
    /// One streamed completion of <see cref="ChatProbe.GeneratedTokens"/> tokens (end of text ignored, as the service's
    /// random-weight replies rarely end early either); the client-side rate counts the tokens after the first over the
    /// time from the first streamed piece to the last, as <see cref="ChatProbe"/> does for the service.
    /// </summary>
    public async Task<(double ClientTokensPerSecond, int Tokens)> CompleteAsync(string prompt, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/completion")
        {
            Content = JsonContent.Create(new { prompt, n_predict = ChatProbe.GeneratedTokens, stream = true, seed = 7, ignore_eos = true }),
        };
        using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        response.EnsureSuccessStatusCode();
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(cancellationToken));
        var clock = new Stopwatch();
        var last = TimeSpan.Zero;
        var tokens = 0;
        while (await reader.ReadLineAsync(cancellationToken) is { } line)
        {
            if (!line.StartsWith("data: ", StringComparison.Ordinal))
            {
                continue;
            }

            using var chunk = JsonDocument.Parse(line.AsMemory(6));
            if (chunk.RootElement.TryGetProperty("tokens_predicted", out var predicted))
            {
                tokens = predicted.GetInt32();
            }

            // The closing chunks carry no token; like the service's stats message, they are not part of the stream's rate.
            if (chunk.RootElement.TryGetProperty("tokens", out var carried) && carried.GetArrayLength() > 0)
            {
                clock.Start(); // Runs from the first token on; later calls do nothing.
                last = clock.Elapsed;
            }
        }

        return (last > TimeSpan.Zero ? (tokens - 1) / last.TotalSeconds : 0, tokens);
    }

    public void Dispose()
    {
        _http.Dispose();
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit(10_000);
        }

        _process.Dispose();
    }
}
