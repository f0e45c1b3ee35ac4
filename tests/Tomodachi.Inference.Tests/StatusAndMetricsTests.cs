using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
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
        // A sampler on the fake clock: the service's own samples on the real clock would wake the board too.
        await using var meters = new ServiceCollection().AddMetrics().BuildServiceProvider();
        using var memory = new ProcessMemorySampler(time, Microsoft.Extensions.Options.Options.Create(new ProcessMemoryOptions()), meters.GetRequiredService<IMeterFactory>());
        using var board = new StatusBoard(App.Services.GetRequiredService<Models.IModelManager>(),
            App.Services.GetRequiredService<Generation.SlotGate>(), App.Services.GetRequiredService<Inference.Journal.ITurnJournal>(),
            App.Services.GetRequiredService<IModelDownloadProgress>(), memory,
            App.Services.GetRequiredService<Inference.Journal.JournalRetentionStatus>(), time);
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
        var measurements = new List<Measured>();
        using var listener = ListenToInferenceMeter(measurements);

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
            var stages = measurements.Where(m => m.Instrument == "tomodachi.inference.stage.duration")
                .ToDictionary(m => (string)m.Tags["stage"]!, m => m.Value);
            Assert.Equal(stats.OrchestratorMs / 1000, stages["orchestrate"]);
            Assert.Equal(stats.RetrievalMs / 1000, stages["retrieve"]);
            Assert.Equal(stats.PromptEvalMs / 1000, stages["prompt_eval"]);
            Assert.Equal(stats.GenerationMs / 1000, stages["generate"]);
            // Labels never carry conversation ids or text.
            Assert.All(measurements, m => Assert.DoesNotContain(m.Tags.Values, v => v is string s && (s.Contains("test-session") || s.Contains("hello"))));
        }
    }

    [Fact]
    public async Task A_turn_of_fewer_than_two_tokens_records_no_generation_rate()
    {
        var measurements = new List<Measured>();
        using var listener = ListenToInferenceMeter(measurements);

        var stats = (await App.Client.ChatToEndAsync(ChatExtensions.Request("hello", maxTokens: 1)))[^1].Stats;

        Assert.InRange(stats.CompletionTokens, 0u, 1u);
        lock (measurements)
        {
            Assert.Single(measurements, m => m.Instrument == "gen_ai.server.request.duration");
            Assert.DoesNotContain(measurements, m => m.Instrument is "tomodachi.inference.generation.tokens_per_second" or "gen_ai.server.time_per_output_token");
        }
    }

    private sealed record Measured(string Instrument, double Value, Dictionary<string, object?> Tags);

    /// <summary>Collects what this test's service records on its Tomodachi.Inference meter (not other tests' hosts).</summary>
    private MeterListener ListenToInferenceMeter(List<Measured> measurements)
    {
        var meterFactory = App.Services.GetRequiredService<IMeterFactory>();
        var listener = new MeterListener();
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
        return listener;

        void Add(string name, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
        {
            var copy = new Dictionary<string, object?>();
            foreach (var tag in tags)
            {
                copy[tag.Key] = tag.Value;
            }

            lock (measurements)
            {
                measurements.Add(new Measured(name, value, copy));
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
