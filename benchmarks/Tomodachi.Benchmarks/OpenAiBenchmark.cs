using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using Grpc.Core;
using Tomodachi.Inference.V1;
using static Tomodachi.Benchmarks.ChatProbe;

namespace Tomodachi.Benchmarks;

/// <summary>
/// Generation speed through the gateway's two doors for the same conversation: gRPC (InferenceService.Complete) and
/// the OpenAI-compatible API (POST /v1/chat/completions, streamed), both measured at the client. Rounds alternate the
/// order of the two (ABBA), so a slow spell of the machine hits both alike; the result is the median of each round's
/// own ratio, beside the spread of those ratios. On the demo model a token costs little, so what the door adds per
/// token weighs more there than on a real model: its figure is an upper bound.
/// </summary>
public static class OpenAiBenchmark
{
    private const string Message = "Tell me a long story about a fox who learns to sail across the sea.";

    /// <param name="modelPath">The GGUF to serve; empty for the demo model, generated into the work directory.</param>
    public static async Task RunAsync(string workDirectory, string modelPath, int repeats, TextWriter output, CancellationToken cancellationToken)
    {
        using var services = await GatewayedInference.StartAsync(modelPath, TimeSpan.FromMilliseconds(50), cancellationToken,
            modelCache: modelPath.Length == 0 ? Path.Combine(workDirectory, "demo-cache") : null);
        using var http = new HttpClient { BaseAddress = services.GatewayHttp, Timeout = TimeSpan.FromMinutes(5) };
        var modelId = (await services.ThroughGateway.GetModelAsync(new GetModelRequest(), cancellationToken: cancellationToken)).Model.Id;
        Func<Task<double>>[] doors =
        [
            () => GrpcAsync(services.ThroughGateway, cancellationToken),
            () => OpenAiAsync(http, modelId, cancellationToken),
        ];

        // Warm-up: JIT on every side is start-up cost, not per-token cost.
        foreach (var door in doors)
        {
            await door();
        }

        var grpc = new List<double>();
        var openAi = new List<double>();
        for (var round = 0; round < repeats; round++)
        {
            var openAiFirst = round % 2 == 1;
            var first = await doors[openAiFirst ? 1 : 0]();
            var second = await doors[openAiFirst ? 0 : 1]();
            grpc.Add(openAiFirst ? second : first);
            openAi.Add(openAiFirst ? first : second);
        }

        output.WriteLine();
        output.WriteLine($"## OpenAI door against gRPC, both through the gateway, on {modelId}: {GeneratedTokens} reply tokens, seed 7, " +
            $"{repeats} alternating pairs (ABBA), generation tokens/s at the client, median [min–max]");
        var ratios = openAi.Zip(grpc, (o, g) => o / g - 1).ToList();
        var spread = (ratios.Max() - ratios.Min()) / 2;
        var median = Median(ratios);
        output.WriteLine($"gateway, gRPC Complete:              {Median(grpc):0.0} t/s [{grpc.Min():0.0}–{grpc.Max():0.0}] at the client");
        output.WriteLine($"gateway, OpenAI /v1/chat/completions: {Median(openAi):0.0} t/s [{openAi.Min():0.0}–{openAi.Max():0.0}] at the client");
        output.WriteLine($"OpenAI against gRPC, median of {repeats} alternating pairs: {median:+0.0%;-0.0%} " +
            $"(per-pair ratios {ratios.Min():+0.0%;-0.0%} to {ratios.Max():+0.0%;-0.0%}, spread ±{spread:0.0%}): " +
            (Math.Abs(median) < spread ? $"no measurable difference (spread ±{spread:0.0%})" : $"{median:+0.0%;-0.0%} beyond the spread"));
    }

    /// <summary>The tokens after the first over the time from the first text to the last, as <see cref="ChatProbe"/> measures chats.</summary>
    private static double Rate(uint completionTokens, TimeSpan firstToLast) =>
        firstToLast > TimeSpan.Zero ? (completionTokens - 1.0) / firstToLast.TotalSeconds : 0;

    private static async Task<double> GrpcAsync(InferenceService.InferenceServiceClient client, CancellationToken cancellationToken)
    {
        var request = new CompleteRequest { MaxTokens = GeneratedTokens, Sampling = new Sampling { Seed = 7 } };
        request.Messages.Add(new Message { Role = MessageRole.User, Content = Message });
        using var call = client.Complete(request, cancellationToken: cancellationToken);
        var clock = new Stopwatch();
        var last = TimeSpan.Zero;
        TurnStats? stats = null;
        await foreach (var response in call.ResponseStream.ReadAllAsync(cancellationToken))
        {
            if (response.EventCase == CompleteResponse.EventOneofCase.Delta)
            {
                clock.Start(); // Runs from the first delta on; later calls do nothing.
                last = clock.Elapsed;
            }

            stats = response.Stats ?? stats;
        }

        return Rate(stats?.CompletionTokens ?? throw new InvalidOperationException("The reply ended without stats."), last);
    }

    private static async Task<double> OpenAiAsync(HttpClient http, string model, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions")
        {
            Content = JsonContent.Create(new
            {
                model,
                messages = new[] { new { role = "user", content = Message } },
                max_tokens = GeneratedTokens,
                seed = 7,
                stream = true,
                stream_options = new { include_usage = true },
            }),
        };
        using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        response.EnsureSuccessStatusCode();
        using var events = new StreamReader(await response.Content.ReadAsStreamAsync(cancellationToken));
        var clock = new Stopwatch();
        var last = TimeSpan.Zero;
        uint? completionTokens = null;
        while (await events.ReadLineAsync(cancellationToken) is { } line)
        {
            if (!line.StartsWith("data: {", StringComparison.Ordinal))
            {
                continue;
            }

            using var chunk = JsonDocument.Parse(line.AsMemory("data: ".Length));
            if (chunk.RootElement.TryGetProperty("usage", out var usage))
            {
                completionTokens = usage.GetProperty("completion_tokens").GetUInt32();
            }
            else if (chunk.RootElement.GetProperty("choices")[0].GetProperty("delta").TryGetProperty("content", out var text) && text.GetString() is { Length: > 0 })
            {
                clock.Start();
                last = clock.Elapsed;
            }
        }

        return Rate(completionTokens ?? throw new InvalidOperationException("The stream ended without usage."), last);
    }
}
