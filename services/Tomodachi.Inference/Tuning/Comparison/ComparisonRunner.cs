using Google.Protobuf.WellKnownTypes;
using LLama.Native;
using Microsoft.Extensions.Options;
using Tomodachi.Inference.Configuration;
using Tomodachi.Inference.Generation;
using Tomodachi.Inference.Models;
using Tomodachi.Inference.Orchestration;
using Tomodachi.Tuning.V1;

namespace Tomodachi.Inference.Tuning.Comparison;

/// <summary>
/// The base-vs-adapter A/B run: every prompt of the suite on the base model, then on the base model with the
/// adapter, greedily, in one chat slot, then a side-by-side report that is kept as the last comparison. Everything
/// that can be checked is checked before the first reply; the adapter is loaded only for its side, so the RSS
/// after each side shows what it costs.
/// </summary>
public sealed class ComparisonRunner(
    IModelManager models,
    SlotGate slots,
    PersonaCatalog personas,
    ComparisonReplyRunner replies,
    IComparisonStore store,
    ProcessMemorySampler memory,
    TimeProvider time,
    IOptions<TuningOptions> options,
    ILogger<ComparisonRunner> logger) : IDisposable
{
    private readonly SemaphoreSlim _running = new(1, 1);

    /// <summary>Runs the comparison, reporting each finished reply through <paramref name="progress"/>; returns the saved report.</summary>
    /// <exception cref="ArgumentException">The persona is not configured.</exception>
    /// <exception cref="ComparisonRejectedException">No model, no usable adapter or no usable prompt suite.</exception>
    /// <exception cref="ComparisonBusyException">Another comparison is running.</exception>
    /// <exception cref="QueueFullException">Every chat slot is busy and the wait queue is full.</exception>
    public async Task<ComparisonReport> RunAsync(
        ComparisonSettings settings, Func<ComparisonProgress, CancellationToken, ValueTask> progress, CancellationToken ct)
    {
        var persona = settings.Persona is { } name
            ? personas.Find(name) ?? throw new ArgumentException($"Unknown persona '{name}'; known personas: {string.Join(", ", personas.All.Select(p => p.Name))}.")
            : personas.Default;
        if (!_running.Wait(0))
        {
            throw new ComparisonBusyException();
        }

        try
        {
            var startedAt = time.GetUtcNow();
            using var lease = models.TryAcquire()
                ?? throw new ComparisonRejectedException($"No model is loaded: {models.Describe().LoadError ?? "unknown reason"}");
            var model = lease.Model;
            var plan = await PlanAsync(model, persona, settings, ct);
            using var slot = await slots.AcquireAsync(ct);
            logger.LogInformation("Comparing adapter {Adapter} on {ModelId}: {Prompts} prompts, {MaxTokens} tokens each",
                Path.GetFileName(plan.AdapterPath), model.Description.Id, plan.Prompts.Count, plan.MaxTokens);

            var counter = new Progress(plan.Prompts.Count * 2, progress);
            var baseReplies = await RunSideAsync(model, slot.Index, plan, null, ComparisonVariant.Base, counter, ct);
            var baseRss = memory.SampleNow().RssBytes;
            List<ComparisonReply> adapterReplies;
            ulong adapterRss;
            using (var adapter = ComparisonAdapter.Open(model, plan.ConfiguredAdapterPath, plan.AdapterPath))
            {
                adapterReplies = await RunSideAsync(model, slot.Index, plan, adapter, ComparisonVariant.Adapter, counter, ct);
                adapterRss = memory.SampleNow().RssBytes;
            }

            var report = new ComparisonReport
            {
                ReportId = Guid.CreateVersion7(startedAt).ToString(),
                StartedAt = Timestamp.FromDateTimeOffset(startedAt),
                FinishedAt = Timestamp.FromDateTimeOffset(time.GetUtcNow()),
                ModelId = model.Description.Id,
                Demo = model.Description.Demo,
                Persona = persona.Name,
                AdapterPath = plan.AdapterPath,
                AdapterScale = plan.AdapterScale,
                PromptSuitePath = plan.SuitePath,
                MaxTokens = (uint)plan.MaxTokens,
                Base = VariantSummaries.Summarize(ComparisonVariant.Base, baseReplies, baseRss),
                Adapter = VariantSummaries.Summarize(ComparisonVariant.Adapter, adapterReplies, adapterRss),
                Prompts =
                {
                    plan.Prompts.Select((p, i) => new PromptComparison { Prompt = p.Text, Base = baseReplies[i], Adapter = adapterReplies[i] }),
                },
            };
            // Kept even if the caller has gone: the replies were made, and GetLastComparison can show them.
            await store.SaveAsync(report, CancellationToken.None);
            return report;
        }
        finally
        {
            _running.Release();
        }
    }

    private async Task<List<ComparisonReply>> RunSideAsync(
        LoadedModel model, int slot, ComparisonPlan plan, ComparisonAdapter? adapter, ComparisonVariant variant, Progress counter,
        CancellationToken ct)
    {
        var side = new List<ComparisonReply>(plan.Prompts.Count);
        foreach (var prompt in plan.Prompts)
        {
            side.Add(await replies.RunAsync(model, slot, prompt.Tokens, plan.MaxTokens, adapter, plan.AdapterScale, ct));
            // A cancelled generation returns what it had; a report of cut-off replies would mislead.
            ct.ThrowIfCancellationRequested();
            await counter.ReportAsync(variant, ct);
        }

        return side;
    }

    /// <summary>Resolves and checks everything before any reply is generated.</summary>
    private async Task<ComparisonPlan> PlanAsync(LoadedModel model, PersonaOptions persona, ComparisonSettings settings, CancellationToken ct)
    {
        var configured = settings.AdapterPath ?? persona.AdapterPath;
        if (string.IsNullOrWhiteSpace(configured))
        {
            throw new ComparisonRejectedException(
                $"Persona '{persona.Name}' has no adapter (Inference:Personas AdapterPath) and the request names none: set adapter_path.");
        }

        var adapterPath = Path.GetFullPath(configured);
        AdapterCompatibility.Check(adapterPath, model.File);
        var scale = settings.AdapterScale ?? (settings.AdapterPath is null ? persona.AdapterScale : 1f);

        var limits = options.Value;
        var suite = await PromptSuite.LoadAsync(settings.PromptSuitePath ?? limits.PromptSuitePath, limits.MaxSuitePrompts, ct);
        var contextLimit = (int)model.Description.ContextLength;
        var prompts = suite.Prompts.Select((text, i) =>
        {
            var tokens = model.Tokenize(PromptBuilder.Build(model, persona.SystemPrompt, text), addBos: true);
            return tokens.Length < contextLimit ? new PlannedPrompt(text, tokens) : throw new ComparisonRejectedException(
                $"Prompt {i + 1} of the prompt suite {suite.Path} needs {tokens.Length} tokens but a reply's context holds {contextLimit}; shorten it.");
        }).ToList();
        return new ComparisonPlan(configured, adapterPath, scale, suite.Path, prompts, settings.MaxTokens ?? limits.ComparisonMaxTokens);
    }

    public void Dispose() => _running.Dispose();

    private sealed record PlannedPrompt(string Text, LLamaToken[] Tokens);

    private sealed record ComparisonPlan(
        string ConfiguredAdapterPath, string AdapterPath, float AdapterScale, string SuitePath, IReadOnlyList<PlannedPrompt> Prompts, int MaxTokens);

    /// <summary>Counts replies over both sides.</summary>
    private sealed class Progress(int total, Func<ComparisonProgress, CancellationToken, ValueTask> report)
    {
        private int _completed;

        public ValueTask ReportAsync(ComparisonVariant variant, CancellationToken ct) =>
            report(new ComparisonProgress { CompletedRuns = (uint)++_completed, TotalRuns = (uint)total, Variant = variant }, ct);
    }
}
