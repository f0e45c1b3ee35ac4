using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Tomodachi.Knob.V1;
using Tomodachi.Memory.V1;
using Tomodachi.Web.Components.Status;
using Tomodachi.Web.Feeds;

namespace Tomodachi.Web.Tests.Components;

public sealed class StatusSectionTests : BunitContext
{
    private static readonly FeedStatus MemoryDown = FeedStatus.Offline("Unavailable: Connection refused (127.0.0.1:5212)");

    [Fact]
    public void Inference_metrics_show_the_turn_in_the_original_formats()
    {
        var cut = Render<InferenceMetricsSection>(p => p.Add(s => s.Turn, TestData.Turn()));

        Assert.Equal("1.23s", cut.Find("#hudLatency").TextContent);
        Assert.Equal("42", cut.Find("#hudTokens").TextContent);
        Assert.Equal("17.5 t/s", cut.Find("#hudTokensPerSec").TextContent);
        Assert.Equal("0.21s", cut.Find("#hudTtft").TextContent);
        Assert.Equal("206.7 t/s (31 tokens)", cut.Find("#hudPromptTokensPerSec").TextContent);
    }

    [Fact]
    public void Inference_metrics_show_each_stage_in_milliseconds()
    {
        var cut = Render<InferenceMetricsSection>(p => p.Add(s => s.Turn, TestData.Turn()));

        Assert.Equal("12.3 ms", cut.Find("#hudStage-orchestrator").TextContent);
        Assert.Equal("40.0 ms", cut.Find("#hudStage-retrieval").TextContent);
        Assert.Equal("1020.0 ms", cut.Find("#hudStage-generation").TextContent);
    }

    [Fact]
    public void Inference_metrics_before_the_first_message_are_not_available()
    {
        var cut = Render<InferenceMetricsSection>();

        Assert.Equal("N/A", cut.Find("#hudLatency").TextContent);
        Assert.Equal("N/A", cut.Find("#hudTokens").TextContent);
        Assert.Equal("N/A", cut.Find("#hudTokensPerSec").TextContent);
        Assert.Empty(cut.FindAll(".stages"));
    }

    [Fact]
    public void Knob_pressed_shows_PRESSED_with_the_green_highlight()
    {
        var cut = Render<KnobSection>(p => p
            .Add(s => s.State, new KnobState { Pressed = true, Mode = KnobMode.Simulated })
            .Add(s => s.Status, FeedStatus.Online));

        var indicator = cut.Find("#knobIndicator");
        Assert.Equal("PRESSED!", indicator.TextContent);
        Assert.Contains("pressed", indicator.ClassList);
    }

    [Fact]
    public void Knob_released_shows_Waiting_without_highlight()
    {
        var cut = Render<KnobSection>(p => p
            .Add(s => s.State, new KnobState { Pressed = false, Position = 3, Mode = KnobMode.Simulated })
            .Add(s => s.Status, FeedStatus.Online));

        var indicator = cut.Find("#knobIndicator");
        Assert.Equal("Waiting...", indicator.TextContent);
        Assert.DoesNotContain("pressed", indicator.ClassList);
        Assert.Equal("3", cut.Find("#knobPosition").TextContent);
    }

    [Fact]
    public void Knob_offline_shows_Offline_and_the_reason_even_if_last_seen_pressed()
    {
        var cut = Render<KnobSection>(p => p
            .Add(s => s.State, new KnobState { Pressed = true })
            .Add(s => s.Status, FeedStatus.Offline("Unimplemented: the service does not offer KnobService.WatchEvents yet")));

        Assert.Equal("Offline", cut.Find("#knobIndicator").TextContent);
        Assert.DoesNotContain("pressed", cut.Find("#knobIndicator").ClassList);
        Assert.Contains("does not offer KnobService.WatchEvents yet", cut.Find("#knobStatus").TextContent);
    }

    [Fact]
    public void Memory_section_shows_rss_count_size_and_oldest_in_the_original_formats()
    {
        var stats = new MemoryStats
        {
            Count = 1234,
            SizeBytes = 1_572_864,
            Oldest = Timestamp.FromDateTimeOffset(new DateTimeOffset(2026, 1, 2, 3, 4, 5, TimeSpan.Zero)),
            Backend = "embedded",
            Embedder = "hash-384",
        };

        var cut = Render<MemorySection>(p => p
            .Add(s => s.Process, TestData.Status(rssBytes: 123_456_789).Memory)
            .Add(s => s.InferenceStatus, FeedStatus.Online)
            .Add(s => s.Stats, stats)
            .Add(s => s.MemoryStatus, FeedStatus.Online)
            .Add(s => s.Zone, TimeZoneInfo.Utc));

        Assert.Equal("117.7 MB", cut.Find("#hudModelMemory").TextContent.Trim());
        // The sample's own time, in the panel's zone, so the figure can be found in Prometheus.
        Assert.Equal("10:00:05", cut.Find("#hudModelMemoryAt").TextContent);
        Assert.Equal("2026-11-28T10:00:05.0000000+00:00", cut.Find("#hudModelMemoryAt").GetAttribute("datetime"));
        Assert.Equal("1234", cut.Find("#hudMemoryCount").TextContent);
        Assert.Equal("1.50 MB", cut.Find("#hudMemorySize").TextContent);
        Assert.Equal("2026-01-02 03:04:05", cut.Find("#hudMemoryOldest").TextContent);
    }

    [Fact]
    public void Memory_service_offline_shows_not_available_with_the_reason_and_keeps_rss()
    {
        var cut = Render<MemorySection>(p => p
            .Add(s => s.Process, TestData.Status().Memory)
            .Add(s => s.InferenceStatus, FeedStatus.Online)
            .Add(s => s.Stats, new MemoryStats { Count = 99 })
            .Add(s => s.MemoryStatus, MemoryDown)
            .Add(s => s.Zone, TimeZoneInfo.Utc));

        Assert.Equal("N/A", cut.Find("#hudMemoryCount").TextContent);
        Assert.Equal("N/A", cut.Find("#hudMemorySize").TextContent);
        Assert.Equal("N/A", cut.Find("#hudMemoryOldest").TextContent);
        Assert.Equal("300.0 MB", cut.Find("#hudModelMemory").TextContent.Trim());
        Assert.Contains("Offline", cut.Find("#memoryStatus").TextContent);
        Assert.Contains("Connection refused (127.0.0.1:5212)", cut.Find("#memoryStatus").TextContent);
    }

    [Fact]
    public void A_re_embedding_under_way_shows_the_new_embedder_and_its_progress()
    {
        var stats = new MemoryStats
        {
            Count = 200,
            Embedder = "onnx:all-MiniLM-L6-v2",
            Reembedding = new ReembeddingProgress { TargetEmbedder = "onnx:all-MiniLM-L6-v2", TargetDimension = 384, Done = 64, Total = 200 },
        };

        var cut = Render<MemorySection>(p => p
            .Add(s => s.InferenceStatus, FeedStatus.Online)
            .Add(s => s.Stats, stats)
            .Add(s => s.MemoryStatus, FeedStatus.Online)
            .Add(s => s.Zone, TimeZoneInfo.Utc));

        Assert.Contains("Re-embedding with onnx:all-MiniLM-L6-v2: 64 of 200", cut.Find("#memoryReembedding").TextContent);
        Assert.Equal("64", cut.Find("#memoryReembedding progress").GetAttribute("value"));
        Assert.Equal("200", cut.Find("#memoryReembedding progress").GetAttribute("max"));
    }

    [Fact]
    public void Empty_memory_store_has_no_oldest_memory()
    {
        var cut = Render<MemorySection>(p => p
            .Add(s => s.InferenceStatus, FeedStatus.Online)
            .Add(s => s.Stats, new MemoryStats { Count = 0, SizeBytes = 0 })
            .Add(s => s.MemoryStatus, FeedStatus.Online)
            .Add(s => s.Zone, TimeZoneInfo.Utc));

        Assert.Equal("0", cut.Find("#hudMemoryCount").TextContent);
        Assert.Equal("N/A", cut.Find("#hudMemoryOldest").TextContent);
    }

    [Fact]
    public void Inference_offline_hides_model_figures_and_the_model_button()
    {
        var error = new RpcException(new Status(StatusCode.Unimplemented, ""));
        var cut = Render<SystemStatusSection>(p => p
            .Add(s => s.Api, FeedStatus.From(error, "InferenceService.WatchStatus"))
            .Add(s => s.Status, TestData.Status()));

        Assert.Contains("Offline", cut.Find("#hudApiStatus").TextContent);
        Assert.Contains("does not offer InferenceService.WatchStatus yet", cut.Find("#hudApiStatus").TextContent);
        Assert.Equal("N/A", cut.Find("#hudModelLoaded").TextContent);
        Assert.Equal("N/A", cut.Find("#hudMessages").TextContent);
        Assert.Empty(cut.FindAll("#modelToggle"));
    }

    [Fact]
    public void Loaded_model_offers_Unload_and_the_click_reaches_the_panel()
    {
        var clicks = 0;
        var cut = Render<SystemStatusSection>(p => p
            .Add(s => s.Api, FeedStatus.Online)
            .Add(s => s.Status, TestData.Status(loaded: true))
            .Add(s => s.OnToggleModel, () => clicks++));

        Assert.Equal("llama · 136M params · Q8_0", cut.Find("#hudArchitecture").TextContent);
        Assert.Equal("Online", cut.Find("#hudApiStatus").TextContent.Trim());
        Assert.Equal("7", cut.Find("#hudMessages").TextContent);
        var toggle = cut.Find("#modelToggle");
        Assert.Equal("Unload", toggle.TextContent.Trim());

        toggle.Click();

        Assert.Equal(1, clicks);
    }

    [Theory]
    [InlineData("CPU", 0u, "CPU · 0/13 layers on a GPU")]
    [InlineData("CUDA0 + CPU", 13u, "CUDA0 + CPU · 13/13 layers on a GPU")]
    public void The_backend_and_the_layers_on_a_GPU_show_while_the_model_is_loaded(string backend, uint gpuLayers, string shown)
    {
        var status = TestData.Status(loaded: true);
        status.Model.Backend = backend;
        status.Model.GpuLayers = gpuLayers;
        status.Model.LayerCount = 13;

        var loaded = Render<SystemStatusSection>(p => p.Add(s => s.Api, FeedStatus.Online).Add(s => s.Status, status));
        var unloaded = Render<SystemStatusSection>(p => p.Add(s => s.Api, FeedStatus.Online).Add(s => s.Status, TestData.Status(loaded: false)));

        Assert.Equal(shown, loaded.Find("#hudBackend").TextContent);
        Assert.Equal("N/A", unloaded.Find("#hudBackend").TextContent);
    }

    [Fact]
    public void Unloaded_model_offers_Load()
    {
        var cut = Render<SystemStatusSection>(p => p
            .Add(s => s.Api, FeedStatus.Online)
            .Add(s => s.Status, TestData.Status(loaded: false)));

        Assert.Equal("No", cut.Find("#hudModelLoaded").TextContent);
        Assert.Equal("Load", cut.Find("#modelToggle").TextContent.Trim());
    }

    [Fact]
    public void Demo_model_shows_the_demo_badge()
    {
        var cut = Render<SystemStatusSection>(p => p
            .Add(s => s.Api, FeedStatus.Online)
            .Add(s => s.Status, TestData.Status(demo: true)));

        Assert.Equal("DEMO MODEL", cut.Find("#panelDemoBadge").TextContent.Trim());
    }

    [Fact]
    public void Real_model_has_no_demo_badge()
    {
        var cut = Render<SystemStatusSection>(p => p
            .Add(s => s.Api, FeedStatus.Online)
            .Add(s => s.Status, TestData.Status(demo: false)));

        Assert.Empty(cut.FindAll("#panelDemoBadge"));
    }

    [Fact]
    public void A_failed_model_command_is_shown_as_an_alert()
    {
        var cut = Render<SystemStatusSection>(p => p
            .Add(s => s.Api, FeedStatus.Online)
            .Add(s => s.Status, TestData.Status())
            .Add(s => s.CommandError, "FailedPrecondition: the model file is missing"));

        Assert.Equal("FailedPrecondition: the model file is missing", cut.Find("#modelCommandError").TextContent);
    }
}
