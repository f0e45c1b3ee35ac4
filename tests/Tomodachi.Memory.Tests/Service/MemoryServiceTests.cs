using System.Net.Http.Json;
using System.Text.Json;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Tomodachi.Memory.V1;
using Tomodachi.Testing;
using static Tomodachi.Memory.Tests.Service.MemoryRequests;

namespace Tomodachi.Memory.Tests.Service;

/// <summary>The service as a client sees it, each test against a fresh store.</summary>
[Collection(ServiceHostCollection.Name)]
public sealed class MemoryServiceTests : IAsyncLifetime
{
    private readonly MemoryServiceFactory service = new();

    private MemoryService.MemoryServiceClient Client => service.Client;

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await service.DisposeAsync();

    [Fact]
    public async Task With_no_setting_the_sentence_model_finds_a_fact_asked_for_in_other_words()
    {
        await Client.StoreBatchAsync(new StoreBatchRequest
        {
            Memories = { New("My car needs new tyres"), New("I adopted a kitten last week"), New("I work as a dentist"), New("It rained all day") },
        });

        var reply = await Client.SearchAsync(Search("Do I have any pets?", k: 1));

        Assert.Equal("I adopted a kitten last week", Assert.Single(reply.Hits).Memory.Text);
    }

    [Fact]
    public async Task A_question_about_the_dog_finds_the_memory_naming_it()
    {
        await Client.StoreBatchAsync(new StoreBatchRequest
        {
            Memories = { New("I had pizza for lunch"), New("my dog is called Rex"), New("my name is Alex"), New("my cat is called Tom") },
        });

        var reply = await Client.SearchAsync(Search("what is my dog's name?", k: 1));

        var hit = Assert.Single(reply.Hits);
        Assert.Equal("my dog is called Rex", hit.Memory.Text);
        Assert.InRange(hit.Score, 0f, 1f);
    }

    [Fact]
    public async Task Stored_memory_reads_back_with_the_current_time_when_none_was_given()
    {
        var store = new StoreRequest { Memory = New("remember the milk", "s1", MemoryRole.Assistant) };
        store.Memory.Metadata["source"] = "chat";

        var id = (await Client.StoreAsync(store)).Id;
        var memory = (await Client.GetAsync(new GetRequest { Id = id })).Memory;

        Assert.Equal("remember the milk", memory.Text);
        Assert.Equal(MemoryRole.Assistant, memory.Role);
        Assert.Equal("s1", memory.SessionId);
        Assert.Equal("chat", memory.Metadata["source"]);
        Assert.Equal(MemoryServiceFactory.Start, memory.CreatedAt.ToDateTimeOffset());
    }

    [Fact]
    public async Task A_memory_without_a_role_is_a_note()
    {
        var id = (await Client.StoreAsync(Store("a note", role: MemoryRole.Unspecified))).Id;

        Assert.Equal(MemoryRole.Note, (await Client.GetAsync(new GetRequest { Id = id })).Memory.Role);
    }

    [Fact]
    public async Task StoreBatch_answers_the_ids_in_request_order()
    {
        var reply = await Client.StoreBatchAsync(new StoreBatchRequest { Memories = { New("alpha"), New("beta"), New("gamma") } });

        var texts = new List<string>();
        foreach (var id in reply.Ids)
        {
            texts.Add((await Client.GetAsync(new GetRequest { Id = id })).Memory.Text);
        }

        Assert.Equal(["alpha", "beta", "gamma"], texts);
    }

    [Fact]
    public async Task Search_filters_by_session_role_time_and_min_score()
    {
        var start = MemoryServiceFactory.Start;
        await Client.StoreBatchAsync(new StoreBatchRequest
        {
            Memories =
            {
                New("coffee in the morning", "home", MemoryRole.User, start.AddHours(-1)),
                New("coffee at work", "work", MemoryRole.User, start.AddHours(-1)),
                New("coffee suggestion", "home", MemoryRole.Assistant, start.AddHours(-1)),
                New("coffee last year", "home", MemoryRole.User, start.AddYears(-1)),
                New("the bus is late", "home", MemoryRole.User, start.AddHours(-1)),
            },
        });
        var filter = new SearchFilter
        {
            SessionId = "home",
            Role = MemoryRole.User,
            CreatedAfter = Timestamp.FromDateTimeOffset(start.AddDays(-1)),
            CreatedBefore = Timestamp.FromDateTimeOffset(start),
            MinScore = 0.2f,
        };

        var reply = await Client.SearchAsync(Search("coffee", k: 10, filter: filter));

        Assert.Equal(["coffee in the morning"], reply.Hits.Select(h => h.Memory.Text));
    }

    [Fact]
    public async Task Deleting_by_id_and_by_session_removes_those_memories()
    {
        var ids = (await Client.StoreBatchAsync(new StoreBatchRequest
        {
            Memories = { New("one", "a"), New("two", "a"), New("three", "b") },
        })).Ids;

        var bySession = await Client.DeleteAsync(new DeleteRequest { SessionId = "a" });
        var byId = await Client.DeleteAsync(new DeleteRequest { Id = ids[2] });

        Assert.Equal(2ul, bySession.DeletedCount);
        Assert.Equal(1ul, byId.DeletedCount);
        Assert.Equal(0ul, (await Client.GetStatsAsync(new GetStatsRequest())).Stats.Count);
        var error = await Assert.ThrowsAsync<RpcException>(() => Client.GetAsync(new GetRequest { Id = ids[0] }).ResponseAsync);
        Assert.Equal(StatusCode.NotFound, error.StatusCode);
    }

    [Fact]
    public async Task Export_then_import_into_a_new_service_restores_every_memory()
    {
        await Client.StoreBatchAsync(new StoreBatchRequest
        {
            Memories =
            {
                New("later", "s", MemoryRole.User, MemoryServiceFactory.Start.AddMinutes(5)),
                New("earlier", "s", MemoryRole.Assistant, MemoryServiceFactory.Start),
            },
        });

        var exported = new List<V1.Memory>();
        using (var export = Client.Export(new ExportRequest()))
        {
            await foreach (var message in export.ResponseStream.ReadAllAsync())
            {
                exported.Add(message.Memory);
            }
        }

        await using var restored = new MemoryServiceFactory();
        using var import = restored.Client.Import();
        foreach (var memory in exported)
        {
            await import.RequestStream.WriteAsync(new ImportRequest { Memory = memory });
        }

        await import.RequestStream.CompleteAsync();
        var imported = await import;

        Assert.Equal(["earlier", "later"], exported.Select(m => m.Text));
        Assert.Equal(2ul, imported.ImportedCount);
        foreach (var memory in exported)
        {
            // Everything comes back as it was, labelled as imported.
            var expected = memory.Clone();
            expected.Origin = MemoryOrigin.Imported;
            Assert.Equal(expected, (await restored.Client.GetAsync(new GetRequest { Id = memory.Id })).Memory);
        }
    }

    [Fact]
    public async Task GetStats_reports_count_size_age_backend_and_embedder()
    {
        await Client.StoreBatchAsync(new StoreBatchRequest
        {
            Memories = { New("old", createdAt: MemoryServiceFactory.Start.AddDays(-3)), New("new") },
        });

        var stats = (await Client.GetStatsAsync(new GetStatsRequest())).Stats;

        Assert.Equal(2ul, stats.Count);
        Assert.Equal(MemoryServiceFactory.Start.AddDays(-3), stats.Oldest.ToDateTimeOffset());
        Assert.Equal(MemoryServiceFactory.Start, stats.Newest.ToDateTimeOffset());
        Assert.Equal("embedded", stats.Backend);
        Assert.Equal("onnx:all-MiniLM-L6-v2", stats.Embedder);
        Assert.Equal(384u, stats.Dimension);
        Assert.False(stats.SizeIsEstimate);
        Assert.Equal("", stats.Problem);
        var files = new DirectoryInfo(service.DataDirectory).GetFiles("memories.db*").Sum(f => f.Length);
        Assert.Equal((ulong)files, stats.SizeBytes);
    }

    [Fact]
    public async Task Rest_metrics_answer_the_same_figures_as_json()
    {
        await Client.StoreAsync(Store("hello", createdAt: new DateTimeOffset(2026, 1, 2, 3, 4, 5, TimeSpan.Zero)));
        var stats = (await Client.GetStatsAsync(new GetStatsRequest())).Stats;

        using var http = service.CreateClient();
        var json = await http.GetFromJsonAsync<JsonElement>("/api/metrics");

        Assert.Equal(1, json.GetProperty("count").GetInt64());
        Assert.Equal((long)stats.SizeBytes, json.GetProperty("size_bytes").GetInt64());
        Assert.Equal(Math.Round(stats.SizeBytes / 1048576.0, 2), json.GetProperty("size_mb").GetDouble());
        Assert.Equal("2026-01-02 03:04:05", json.GetProperty("oldest").GetString());
        Assert.Equal("2026-01-02T03:04:05.0000000+00:00", json.GetProperty("oldest_iso").GetString());
        Assert.Equal("embedded", json.GetProperty("backend").GetString());
        Assert.Equal("onnx:all-MiniLM-L6-v2", json.GetProperty("embedder").GetString());
        Assert.Equal(384, json.GetProperty("dimension").GetInt32());
    }

    [Fact]
    public async Task WatchStats_sends_on_subscribe_on_every_change_and_every_five_seconds()
    {
        using var cancel = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        using var watch = Client.WatchStats(new WatchStatsRequest(), cancellationToken: cancel.Token);
        var stream = watch.ResponseStream;

        Assert.True(await stream.MoveNext(cancel.Token));
        Assert.Equal(0ul, stream.Current.Stats.Count);

        await Client.StoreAsync(Store("something changed"));
        Assert.True(await stream.MoveNext(cancel.Token));
        Assert.Equal(1ul, stream.Current.Stats.Count);

        service.Time.Advance(TimeSpan.FromSeconds(5));
        Assert.True(await stream.MoveNext(cancel.Token));
        Assert.Equal(1ul, stream.Current.Stats.Count);
    }

    [Fact]
    public async Task WatchStats_ends_with_Unavailable_when_the_service_shuts_down()
    {
        await using var stopping = service.StartOnKestrel();
        using var cancel = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        using var watch = new MemoryService.MemoryServiceClient(stopping.Channel).WatchStats(new WatchStatsRequest(), cancellationToken: cancel.Token);
        Assert.True(await watch.ResponseStream.MoveNext(cancel.Token));

        stopping.Services.GetRequiredService<IHostApplicationLifetime>().StopApplication();

        var error = await Assert.ThrowsAsync<RpcException>(() => watch.ResponseStream.MoveNext(cancel.Token));
        Assert.Equal(StatusCode.Unavailable, error.StatusCode);
        Assert.Contains("shutting down", error.Status.Detail);
    }

    [Fact]
    public async Task Prometheus_exposes_the_memory_gauges_counter_and_histogram_with_the_backend()
    {
        await Client.StoreBatchAsync(new StoreBatchRequest { Memories = { New("one"), New("two") } });
        await Client.SearchAsync(Search("one"));
        service.Time.Advance(TimeSpan.FromMinutes(1));
        // The gauges read what the bank last reported, which GetStats refreshes.
        await Client.GetStatsAsync(new GetStatsRequest());

        using var http = service.CreateClient();
        var text = await http.GetStringAsync("/metrics");

        Assert.Matches(Sample("tomodachi_memory_memories", "2"), text);
        Assert.Matches(Sample("tomodachi_memory_size_bytes", "[1-9][0-9]*"), text);
        Assert.Matches(Sample("tomodachi_memory_oldest_age_seconds", "60"), text);
        Assert.Matches(Sample("tomodachi_memory_stored_total", "2"), text);
        Assert.Matches(Sample("tomodachi_memory_search_duration_seconds_count", "1"), text);
    }

    private static string Sample(string metric, string value) =>
        $"(?m)^{metric}\\{{[^}}]*backend=\"embedded\"[^}}]*\\}} {value}$";
}
