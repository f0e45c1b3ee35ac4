using System.Diagnostics;
using LLama;
using LLama.Common;
using LLama.Native;
using LLama.Sampling;

namespace Tomodachi.Benchmarks;

/// <summary>Prompt and generation speed of one run, in tokens per second (generation summed over the sequences).</summary>
public sealed record Speeds(double Prompt, double Generation);

/// <summary>
/// One context, one batch, a sampler per sequence: the fastest LLamaSharp path, kept open so that its runs can
/// alternate with the service's chats. With several sequences they decode together, one token each per step: the
/// ceiling for concurrent chats.
/// </summary>
public sealed class BareLoop : IDisposable
{
    private const int MaxPromptTokens = 512;
    private readonly LLamaWeights _weights;
    private readonly LLamaContext _context;
    private readonly int _sequences;

    private BareLoop(LLamaWeights weights, LLamaContext context, int sequences)
    {
        _weights = weights;
        _context = context;
        _sequences = sequences;
    }

    public static BareLoop Open(string path, bool explicitThreads = true, int sequences = 1)
    {
        var parameters = new ModelParams(path) { ContextSize = 1024 * (uint)sequences, BatchSize = 1024 * (uint)sequences, SeqMax = (uint)sequences };
        if (explicitThreads)
        {
            parameters.Threads = BenchmarkModel.Threads;
            parameters.BatchThreads = BenchmarkModel.Threads;
        }

        var weights = LLamaWeights.LoadFromFile(parameters);
        return new BareLoop(weights, weights.CreateContext(parameters), sequences);
    }

    /// <summary>Each sequence decodes a prompt of <paramref name="promptTokens"/>, then generates <paramref name="generatedTokens"/>.</summary>
    public Speeds Run(int promptTokens, int generatedTokens, uint seed)
    {
        promptTokens = Math.Clamp(promptTokens, 1, MaxPromptTokens);
        _context.NativeHandle.MemoryClear(true);
        // Ordinary tokens from the vocabulary's middle (the low ids are control and byte tokens).
        var prompt = Enumerable.Range(0, promptTokens).Select(i => (LLamaToken)(300 + i * 7 % (_weights.Vocab.Count - 300))).ToArray();
        var samplers = Enumerable.Range(0, _sequences).Select(i => new DefaultSamplingPipeline { Seed = seed * (uint)_sequences + (uint)i }).ToList();
        try
        {
            var batch = new LLamaBatch();
            for (var seq = 0; seq < _sequences; seq++)
            {
                batch.AddRange(prompt, 0, (LLamaSeqId)seq, true);
            }

            var clock = Stopwatch.StartNew();
            _context.Decode(batch);
            var promptSpeed = _sequences * promptTokens / clock.Elapsed.TotalSeconds;

            var tokens = samplers.Select((sampler, seq) => sampler.Sample(_context.NativeHandle, (seq + 1) * promptTokens - 1)).ToArray();
            clock.Restart();
            for (var i = 0; i < generatedTokens; i++)
            {
                batch.Clear();
                for (var seq = 0; seq < _sequences; seq++)
                {
                    batch.Add(tokens[seq], promptTokens + i, (LLamaSeqId)seq, true);
                }

                _context.Decode(batch);
                for (var seq = 0; seq < _sequences; seq++)
                {
                    tokens[seq] = samplers[seq].Sample(_context.NativeHandle, seq);
                }
            }

            return new Speeds(promptSpeed, _sequences * generatedTokens / clock.Elapsed.TotalSeconds);
        }
        finally
        {
            samplers.ForEach(sampler => sampler.Dispose());
        }
    }

    public void Dispose()
    {
        _context.Dispose();
        _weights.Dispose();
    }
}
