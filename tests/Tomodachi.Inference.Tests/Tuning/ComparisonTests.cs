using System.Net;
using Google.Protobuf;
using Grpc.Core;
using Tomodachi.Models.Gguf;
using Tomodachi.Inference.Tests.Infrastructure;
using Tomodachi.Inference.V1;
using Tomodachi.Tuning.V1;
using static Tomodachi.Inference.Tests.Tuning.ComparisonTestData;

namespace Tomodachi.Inference.Tests.Tuning;

/// <summary>
/// CompareAdapter on the tiny generated model with a LoRA adapter the GGUF writer makes: real LLamaSharp, real
/// gRPC, the report kept in a real SQLite journal file.
/// </summary>
public sealed class ComparisonTests : IAsyncLifetime
{
    private const uint MaxTokens = 12;
    private readonly string _adapter = TestModels.ScratchPath("tiny-lora.gguf");
    private readonly string _journal = TestModels.ScratchPath("journal.db");
    private readonly string _suite = WriteSuite(Prompts);
    private InferenceApp _app = null!;

    public async Task InitializeAsync()
    {
        await GgufWriter.WriteLoraAsync(TestModels.TinySpec, rank: 8, _adapter, CancellationToken.None);
        _app = StartApp();
        await _app.Client.LoadModelAsync(new LoadModelRequest { Path = await TestModels.TinyAsync() });
    }

    private InferenceApp StartApp() => new(new Dictionary<string, string?>
    {
        ["Inference:Journal:Path"] = _journal,
        ["Inference:Tuning:PromptSuitePath"] = _suite,
        ["Inference:Tuning:ComparisonMaxTokens"] = MaxTokens.ToString(),
        ["Inference:Personas:2:Name"] = "plain",
        ["Inference:Personas:2:SystemPrompt"] = "You are Tomodachi.",
        ["Inference:Personas:3:Name"] = "tuned",
        ["Inference:Personas:3:SystemPrompt"] = "You are Tomodachi.",
        ["Inference:Personas:3:AdapterPath"] = _adapter,
    });

    [Fact]
    public async Task Comparing_a_personas_adapter_streams_progress_per_reply_then_a_report_with_both_columns()
    {
        var responses = await _app.Tuning.CompareToEndAsync(new CompareAdapterRequest { Persona = "tuned" });

        var progress = responses.SkipLast(1).Select(r => r.Progress).ToList();
        Assert.Equal(Enumerable.Range(1, 6).Select(i => (uint)i), progress.Select(p => p.CompletedRuns));
        Assert.All(progress, p => Assert.Equal(6u, p.TotalRuns));
        Assert.Equal([.. Enumerable.Repeat(ComparisonVariant.Base, 3), .. Enumerable.Repeat(ComparisonVariant.Adapter, 3)], progress.Select(p => p.Variant));
        var report = responses[^1].Report;
        Assert.NotNull(report);
        Assert.Equal(("tuned", _adapter, 1f, _suite, MaxTokens), (report.Persona, report.AdapterPath, report.AdapterScale, report.PromptSuitePath, report.MaxTokens));
        Assert.Equal(Prompts, report.Prompts.Select(p => p.Prompt));
        Assert.Equal((ComparisonVariant.Base, ComparisonVariant.Adapter), (report.Base.Variant, report.Adapter.Variant));
        Assert.Equal(report.Prompts.Select(p => p.Base.CompletionTokens), report.Base.ReplyTokens);
        Assert.Equal(report.Prompts.Select(p => p.Adapter.CompletionTokens), report.Adapter.ReplyTokens);
        Assert.Equal(report.Prompts.Average(p => p.Adapter.CompletionTokens), report.Adapter.MeanReplyTokens, 9);
        Assert.Equal(report.Prompts.Max(p => p.Base.LatencyMs), report.Base.P95LatencyMs, report.Prompts.Max(p => p.Base.LatencyMs) - report.Base.P50LatencyMs);
        Assert.All([report.Base, report.Adapter], side => Assert.InRange(side.RssBytes, 10UL << 20, 24UL << 30));
        // The adapter changes what the model says: random LoRA weights move the greedy choice for at least one prompt.
        Assert.Contains(report.Prompts, p => p.Base.Text != p.Adapter.Text);
    }

    [Fact]
    public async Task Each_reply_matches_a_greedy_chat_token_for_token()
    {
        var report = (await _app.Tuning.CompareToEndAsync(new CompareAdapterRequest { Persona = "tuned" }))[^1].Report;

        foreach (var prompt in report.Prompts)
        {
            // Same generation path: a greedy chat of the persona without / with the adapter says exactly the same,
            // with the same prompt and completion token counts (the chat's come from the tokenizer and the sampler).
            var plain = await _app.Client.ChatToEndAsync(GreedyChat(prompt.Prompt, "plain", MaxTokens));
            var tuned = await _app.Client.ChatToEndAsync(GreedyChat(prompt.Prompt, "tuned", MaxTokens));
            Assert.Equal((plain.ReplyText(), plain[^1].Stats.PromptTokens, plain[^1].Stats.CompletionTokens),
                (prompt.Base.Text, prompt.Base.PromptTokens, prompt.Base.CompletionTokens));
            Assert.Equal((tuned.ReplyText(), tuned[^1].Stats.PromptTokens, tuned[^1].Stats.CompletionTokens),
                (prompt.Adapter.Text, prompt.Adapter.PromptTokens, prompt.Adapter.CompletionTokens));
        }
    }

    [Fact]
    public async Task An_adapter_path_in_the_request_is_loaded_for_the_run_and_gives_the_same_replies_as_the_configured_copy()
    {
        var configured = (await _app.Tuning.CompareToEndAsync(new CompareAdapterRequest { Persona = "tuned" }))[^1].Report;
        var named = (await _app.Tuning.CompareToEndAsync(new CompareAdapterRequest { Persona = "plain", AdapterPath = _adapter }))[^1].Report;
        var again = (await _app.Tuning.CompareToEndAsync(new CompareAdapterRequest { Persona = "plain", AdapterPath = _adapter }))[^1].Report;

        Assert.Equal(configured.Prompts.Select(p => p.Adapter.Text), named.Prompts.Select(p => p.Adapter.Text));
        // Loaded, freed and loaded again: the second run decodes exactly like the first.
        Assert.Equal(named.Prompts.Select(p => p.Adapter.Text), again.Prompts.Select(p => p.Adapter.Text));
        Assert.Equal(named.Prompts.Select(p => p.Base.Text), again.Prompts.Select(p => p.Base.Text));
    }

    [Fact]
    public async Task The_last_report_is_served_by_gRPC_and_as_JSON_and_CSV_and_survives_a_restart()
    {
        var report = (await _app.Tuning.CompareToEndAsync(new CompareAdapterRequest { Persona = "tuned", MaxTokens = 5 }))[^1].Report;
        using var http = _app.CreateClient();

        Assert.Equal(report, (await _app.Tuning.GetLastComparisonAsync(new GetLastComparisonRequest())).Report);
        var json = await http.GetAsync("/api/tuning/comparison.json");
        Assert.Equal(HttpStatusCode.OK, json.StatusCode);
        Assert.Equal("application/json", json.Content.Headers.ContentType?.MediaType);
        var body = await json.Content.ReadAsStringAsync();
        Assert.Contains("\"generation_tokens_per_second\"", body);
        Assert.Equal(report, JsonParser.Default.Parse<ComparisonReport>(body));

        var csv = await http.GetAsync("/api/tuning/comparison.csv");
        Assert.Equal("text/csv", csv.Content.Headers.ContentType?.MediaType);
        var rows = CsvRows(await csv.Content.ReadAsStringAsync());
        Assert.Equal(1 + 2 * report.Prompts.Count, rows.Count);
        var header = rows[0];
        var expected = report.Prompts.SelectMany((p, i) => new[] { (i + 1, "base", p.Base), (i + 1, "adapter", p.Adapter) }).ToList();
        foreach (var (row, (index, variant, reply)) in rows.Skip(1).Zip(expected))
        {
            string Field(string name) => row[header.IndexOf(name)];
            Assert.Equal(header.Count, row.Count);
            Assert.Equal((index.ToString(), variant, reply.CompletionTokens.ToString(), reply.PromptTokens.ToString(), reply.Text),
                (Field("prompt_index"), Field("variant"), Field("completion_tokens"), Field("prompt_tokens"), Field("reply")));
            Assert.Equal(reply.LatencyMs, double.Parse(Field("latency_ms"), System.Globalization.CultureInfo.InvariantCulture));
            Assert.Equal(report.Prompts[index - 1].Prompt, Field("prompt"));
        }

        _app.Dispose();
        _app = StartApp();
        Assert.Equal(report, (await _app.Tuning.GetLastComparisonAsync(new GetLastComparisonRequest())).Report);
    }

    [Fact]
    public async Task A_chat_runs_beside_a_comparison()
    {
        var comparison = _app.Tuning.CompareToEndAsync(new CompareAdapterRequest { Persona = "tuned" });
        var chat = await _app.Client.ChatToEndAsync(ChatExtensions.Request("hi there", maxTokens: 8, persona: "plain"));

        Assert.Equal(StopReason.MaxTokens, chat[^1].Stats.StopReason);
        Assert.Equal(7, (await comparison).Count);
    }

    [Fact]
    public async Task A_second_comparison_while_one_runs_is_rejected_with_ResourceExhausted()
    {
        using var first = _app.Tuning.CompareAdapter(new CompareAdapterRequest { Persona = "tuned" }, deadline: DateTime.UtcNow.AddMinutes(3));
        Assert.True(await first.ResponseStream.MoveNext(CancellationToken.None)); // the first reply is done: it is running

        var error = await _app.Tuning.CompareFailsAsync(new CompareAdapterRequest { Persona = "tuned" });
        var rest = await first.ResponseStream.ToListAsync(1_000);

        Assert.Equal(StatusCode.ResourceExhausted, error.StatusCode);
        Assert.Equal("Another adapter comparison is running; wait for its report (GetLastComparison) and try again.", error.Status.Detail);
        Assert.NotNull(rest[^1].Report);
    }

    [Fact]
    public async Task Unknown_persona_is_rejected_with_InvalidArgument()
    {
        var error = await _app.Tuning.CompareFailsAsync(new CompareAdapterRequest { Persona = "nobody" });

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.StartsWith("Unknown persona 'nobody'; known personas: ", error.Status.Detail);
    }

    [Fact]
    public async Task Max_tokens_beyond_the_context_is_rejected_with_InvalidArgument()
    {
        var error = await _app.Tuning.CompareFailsAsync(new CompareAdapterRequest { Persona = "tuned", MaxTokens = 513 });

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.Equal("max_tokens must be 1 to 512 (the context of a reply), or 0 for Inference:Tuning:ComparisonMaxTokens; it was 513.", error.Status.Detail);
    }

    [Fact]
    public async Task A_negative_adapter_scale_is_rejected_with_InvalidArgument()
    {
        var error = await _app.Tuning.CompareFailsAsync(new CompareAdapterRequest { Persona = "tuned", AdapterScale = -1 });

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.StartsWith("adapter_scale must be 0 to 4", error.Status.Detail);
    }

    [Fact]
    public async Task A_persona_without_an_adapter_and_none_named_is_rejected_with_FailedPrecondition()
    {
        var error = await _app.Tuning.CompareFailsAsync(new CompareAdapterRequest { Persona = "plain" });

        Assert.Equal(StatusCode.FailedPrecondition, error.StatusCode);
        Assert.Equal("Persona 'plain' has no adapter (Inference:Personas AdapterPath) and the request names none: set adapter_path.", error.Status.Detail);
    }

    [Fact]
    public async Task A_missing_adapter_file_is_rejected_with_FailedPrecondition_naming_it()
    {
        var missing = TestModels.ScratchPath("missing-lora.gguf");

        var error = await _app.Tuning.CompareFailsAsync(new CompareAdapterRequest { AdapterPath = missing });

        Assert.Equal(StatusCode.FailedPrecondition, error.StatusCode);
        Assert.Equal($"The LoRA adapter {missing} cannot be used: the file does not exist.", error.Status.Detail);
    }

    [Fact]
    public async Task A_file_that_is_not_GGUF_is_rejected_with_FailedPrecondition_naming_it()
    {
        var text = TestModels.ScratchPath("notes.gguf");
        await File.WriteAllTextAsync(text, "these are my notes, not an adapter");

        var error = await _app.Tuning.CompareFailsAsync(new CompareAdapterRequest { AdapterPath = text });

        Assert.Equal(StatusCode.FailedPrecondition, error.StatusCode);
        Assert.Equal($"The LoRA adapter {text} cannot be used: Not a GGUF model file (no GGUF magic at the start): {text}", error.Status.Detail);
    }

    [Fact]
    public async Task A_model_file_instead_of_an_adapter_is_rejected_with_FailedPrecondition()
    {
        var model = await TestModels.TinyAsync();

        var error = await _app.Tuning.CompareFailsAsync(new CompareAdapterRequest { AdapterPath = model });

        Assert.Equal(StatusCode.FailedPrecondition, error.StatusCode);
        Assert.Equal($"The LoRA adapter {model} cannot be used: it is not an adapter (general.type is 'missing', expected 'adapter').", error.Status.Detail);
    }

    [Fact]
    public async Task An_adapter_for_a_model_of_other_dimensions_is_rejected_with_FailedPrecondition()
    {
        var wide = TestModels.ScratchPath("wide-lora.gguf");
        await GgufWriter.WriteLoraAsync(TestModels.TinySpec with { EmbeddingLength = 128 }, rank: 4, wide, CancellationToken.None);

        var error = await _app.Tuning.CompareFailsAsync(new CompareAdapterRequest { AdapterPath = wide });

        Assert.Equal(StatusCode.FailedPrecondition, error.StatusCode);
        Assert.Equal($"The LoRA adapter {wide} cannot be used: tensor 'blk.0.attn_q.weight' is 64×64 in the model but the adapter's lora_a is 128×4 "
            + "and lora_b 4×128; it was made for a model of other dimensions.", error.Status.Detail);
    }

    [Fact]
    public async Task A_prompt_suite_without_prompts_is_rejected_with_FailedPrecondition()
    {
        var empty = WriteSuite();

        var error = await _app.Tuning.CompareFailsAsync(new CompareAdapterRequest { Persona = "tuned", PromptSuitePath = empty });

        Assert.Equal(StatusCode.FailedPrecondition, error.StatusCode);
        Assert.Equal($"The prompt suite {empty} holds no prompts: write one per line (lines starting with # are comments).", error.Status.Detail);
    }

    [Fact]
    public async Task A_missing_prompt_suite_is_rejected_with_FailedPrecondition()
    {
        var missing = TestModels.ScratchPath("no-suite.txt");

        var error = await _app.Tuning.CompareFailsAsync(new CompareAdapterRequest { Persona = "tuned", PromptSuitePath = missing });

        Assert.Equal(StatusCode.FailedPrecondition, error.StatusCode);
        Assert.Equal($"The prompt suite {missing} does not exist; set Inference:Tuning:PromptSuitePath or prompt_suite_path.", error.Status.Detail);
    }

    [Fact]
    public async Task Without_a_model_the_comparison_is_rejected_and_no_report_exists_yet()
    {
        await _app.Client.UnloadModelAsync(new UnloadModelRequest());
        using var http = _app.CreateClient();

        var error = await _app.Tuning.CompareFailsAsync(new CompareAdapterRequest { Persona = "tuned" });
        var last = await Assert.ThrowsAsync<RpcException>(async () => await _app.Tuning.GetLastComparisonAsync(new GetLastComparisonRequest()));
        var json = await http.GetAsync("/api/tuning/comparison.json");
        var csv = await http.GetAsync("/api/tuning/comparison.csv");

        Assert.Equal((StatusCode.FailedPrecondition, "No model is loaded: The model was unloaded."), (error.StatusCode, error.Status.Detail));
        Assert.Equal(StatusCode.NotFound, last.StatusCode);
        Assert.Equal("No adapter comparison has finished yet: run TuningService.CompareAdapter first.", last.Status.Detail);
        Assert.Equal((HttpStatusCode.NotFound, last.Status.Detail), (json.StatusCode, await json.Content.ReadAsStringAsync()));
        Assert.Equal(HttpStatusCode.NotFound, csv.StatusCode);
    }

    /// <summary>An RFC 4180 reader: quoted fields may hold commas, doubled quotes and line breaks.</summary>
    private static List<List<string>> CsvRows(string csv)
    {
        var rows = new List<List<string>>();
        var row = new List<string>();
        var field = new System.Text.StringBuilder();
        var quoted = false;
        for (var i = 0; i < csv.Length; i++)
        {
            var c = csv[i];
            if (quoted)
            {
                if (c == '"' && i + 1 < csv.Length && csv[i + 1] == '"') { field.Append('"'); i++; }
                else if (c == '"') { quoted = false; }
                else { field.Append(c); }
            }
            else if (c == '"') { quoted = true; }
            else if (c == ',') { row.Add(field.ToString()); field.Clear(); }
            else if (c == '\r' && i + 1 < csv.Length && csv[i + 1] == '\n')
            {
                row.Add(field.ToString());
                field.Clear();
                rows.Add(row);
                row = [];
                i++;
            }
            else { field.Append(c); }
        }

        return rows;
    }

    public Task DisposeAsync()
    {
        _app.Dispose();
        foreach (var file in new[] { _adapter, _suite, _journal, _journal + "-wal", _journal + "-shm" })
        {
            File.Delete(file);
        }

        return Task.CompletedTask;
    }
}
