using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Tomodachi.Models.Download;
using Tomodachi.Inference.Monitoring;
using Tomodachi.Inference.Tests.Infrastructure;
using Tomodachi.Inference.V1;

namespace Tomodachi.Inference.Tests;

public sealed class StatusAndMetricsTests : TinyModelTests
{

    [Fact]
    public async Task WatchStatus_sends_a_snapshot_on_subscribe_and_another_when_a_turn_finishes()
    {
        using var call = App.Client.WatchStatus(new WatchStatusRequest());
        Assert.True(await call.ResponseStream.MoveNext(CancellationToken.None));
        var first = call.ResponseStream.Current;

        var responses = await App.Client.ChatToEndAsync(ChatExtensions.Request("hello", maxTokens: 4));
        WatchStatusResponse? after = null;
        for (var i = 0; i < 50 && after?.MessageCount != first.MessageCount + 1; i++)
        {
            Assert.True(await call.ResponseStream.MoveNext(CancellationToken.None));
            after = call.ResponseStream.Current;
        }

        Assert.True(first.Model.Loaded);
        Assert.Equal(2u, first.ParallelSlots);
        Assert.True(first.Memory.RssBytes > 0);
        Assert.Equal(first.MessageCount + 1, after!.MessageCount);
        Assert.Equal(responses[^1].Stats, after.LastTurn);
    }

    [Fact]
    public async Task Status_stream_repeats_the_snapshot_every_three_seconds_without_changes()
    {
        var time = new FakeTimeProvider();
        using var board = new StatusBoard(App.Services.GetRequiredService<Models.IModelManager>(),
            App.Services.GetRequiredService<Generation.SlotGate>(), App.Services.GetRequiredService<Inference.Journal.ITurnJournal>(),
            App.Services.GetRequiredService<IModelDownloadProgress>(), time);
        await using var snapshots = board.WatchAsync(CancellationToken.None).GetAsyncEnumerator();

        Assert.True(await snapshots.MoveNextAsync());
        var next = snapshots.MoveNextAsync().AsTask();
        time.Advance(TimeSpan.FromSeconds(2.9));
        Assert.False(next.IsCompleted);
        time.Advance(TimeSpan.FromSeconds(0.1));

        Assert.True(await next);
        Assert.Equal(time.GetUtcNow(), snapshots.Current.ObservedAt);
    }

    [Fact]
    public async Task WatchStatus_carries_the_progress_of_a_model_download()
    {
        var progress = App.Services.GetRequiredService<ModelDownloadProgress>();
        progress.Report(new ModelDownloadSnapshot("hf:owner/repo/model.gguf", "/cache/model.gguf", ModelDownloadPhase.Downloading,
            BytesReceived: 1_000, TotalBytes: 4_000, Error: null, DateTimeOffset.UtcNow));

        using var call = App.Client.WatchStatus(new WatchStatusRequest());
        Assert.True(await call.ResponseStream.MoveNext(CancellationToken.None));

        var download = call.ResponseStream.Current.Download;
        Assert.Equal("hf:owner/repo/model.gguf", download.Spec);
        Assert.Equal(DownloadPhase.Downloading, download.Phase);
        Assert.Equal(1_000UL, download.BytesReceived);
        Assert.Equal(4_000UL, download.TotalBytes);
    }

    [Fact]
    public async Task Token_usage_and_durations_recorded_are_the_stats_the_client_received()
    {
        var meterFactory = App.Services.GetRequiredService<IMeterFactory>();
        var measurements = new List<(string Instrument, double Value, Dictionary<string, object?> Tags)>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Scope == meterFactory && instrument.Meter.Name == "Tomodachi.Inference")
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((i, v, tags, _) => Add(i.Name, v, tags));
        listener.SetMeasurementEventCallback<double>((i, v, tags, _) => Add(i.Name, v, tags));
        listener.Start();

        var stats = (await App.Client.ChatToEndAsync(ChatExtensions.Request("hello", maxTokens: 6, persona: "coach")))[^1].Stats;

        lock (measurements)
        {
            var usage = measurements.Where(m => m.Instrument == "gen_ai.client.token.usage").ToList();
            double Tokens(string operation, string type) =>
                Assert.Single(usage, m => (string?)m.Tags["gen_ai.operation.name"] == operation && (string?)m.Tags["gen_ai.token.type"] == type).Value;
            Assert.Equal(stats.PromptTokens, Tokens("chat", "input"));
            Assert.Equal(stats.CompletionTokens, Tokens("chat", "output"));
            // The orchestrator's routing generation is counted too, under its own operation.
            Assert.True(stats.OrchestratorPromptTokens > 0);
            Assert.Equal(stats.OrchestratorPromptTokens, Tokens("orchestrate", "input"));
            Assert.Equal(stats.OrchestratorCompletionTokens, Tokens("orchestrate", "output"));
            var duration = Assert.Single(measurements, m => m.Instrument == "gen_ai.server.request.duration");
            Assert.Equal(stats.TotalLatencyMs / 1000, duration.Value);
            Assert.Equal("chat", duration.Tags["gen_ai.operation.name"]);
            Assert.Equal("tiny-v2", duration.Tags["gen_ai.request.model"]);
            Assert.Equal("coach", duration.Tags["persona"]);
            // Labels never carry conversation ids or text.
            Assert.All(measurements, m => Assert.DoesNotContain(m.Tags.Values, v => v is string s && (s.Contains("test-session") || s.Contains("hello"))));
        }

        void Add(string name, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
        {
            var copy = new Dictionary<string, object?>();
            foreach (var tag in tags)
            {
                copy[tag.Key] = tag.Value;
            }

            lock (measurements)
            {
                measurements.Add((name, value, copy));
            }
        }
    }

    [Fact]
    public async Task Metrics_endpoint_exports_the_genai_instruments()
    {
        await App.Client.ChatToEndAsync(ChatExtensions.Request("hello", maxTokens: 3));
        using var http = App.CreateClient();

        var metrics = await http.GetStringAsync("/metrics");

        Assert.Contains("gen_ai_server_request_duration_seconds_bucket", metrics);
        Assert.Contains("gen_ai_client_token_usage", metrics);
        Assert.Contains("tomodachi_inference_model_loaded", metrics);
    }
}
