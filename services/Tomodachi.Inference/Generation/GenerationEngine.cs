using System.Text;
using System.Threading.Channels;
using LLama;
using LLama.Native;
using LLama.Sampling;

namespace Tomodachi.Inference.Generation;

/// <summary>
/// Decodes every running generation in one batch per step on one shared context: a dedicated thread owns the
/// context (llama.cpp contexts are not thread-safe), takes new prompts between steps, and streams text back per
/// request. New prompts join running generations in the same decode (continuous batching). A slot's sequence keeps
/// its keys and values after a generation ends, so a prompt that starts with what the slot holds evaluates only the
/// rest (<see cref="PromptCache"/>).
/// </summary>
public sealed class GenerationEngine : IAsyncDisposable
{
    private readonly LLamaWeights _weights;
    private readonly LLamaContext _context;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly long _flushTicks;
    private readonly Channel<Sequence> _incoming = Channel.CreateUnbounded<Sequence>(new() { SingleReader = true });
    private readonly CancellationTokenSource _stop = new();
    private readonly Thread _thread;
    private (LoraAdapter? Adapter, float Scale) _applied;

    /// <param name="flushInterval">
    /// Text produced within this long of the last delta is sent together: each delta is a gRPC message, a gateway
    /// forward and a browser render, and at 40+ tokens/s a person cannot tell 20 updates a second from 40. The first
    /// token always goes out at once, so time to first token is unchanged.
    /// </param>
    public GenerationEngine(
        LLamaWeights weights, LLama.Abstractions.IContextParams contextParams, TimeSpan flushInterval, TimeProvider time, ILogger logger)
    {
        _weights = weights;
        _time = time;
        _logger = logger;
        _flushTicks = (long)(flushInterval.TotalSeconds * time.TimestampFrequency);
        _context = weights.CreateContext(contextParams);
        Cache = new PromptCache((int)contextParams.SeqMax);
        _thread = new Thread(Run) { IsBackground = true, Name = "llama-batch-decoder" };
        _thread.Start();
    }

    /// <summary>What each slot holds, for choosing the slot whose cache fits a prompt best.</summary>
    public PromptCache Cache { get; }

    /// <summary>
    /// Runs <paramref name="request"/> and streams its text through <paramref name="deltas"/>. Cancelling ends the
    /// generation at the next step with <see cref="GenerationStop.Cancelled"/> and frees its sequence.
    /// </summary>
    public async Task<GenerationResult> GenerateAsync(GenerationRequest request, Func<string, CancellationToken, ValueTask> deltas, CancellationToken cancellationToken)
    {
        // Also cancelled when forwarding a delta fails, so a broken stream stops decoding for nobody.
        using var generation = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var sequence = new Sequence(request, generation.Token);
        if (!_incoming.Writer.TryWrite(sequence))
        {
            throw new ObjectDisposedException(nameof(GenerationEngine), "The model was unloaded.");
        }

        try
        {
            // Deltas are forwarded here, on the caller's side, so a slow client never stalls the shared decode loop.
            await foreach (var text in sequence.Deltas.Reader.ReadAllAsync(CancellationToken.None))
            {
                if (!generation.IsCancellationRequested)
                {
                    await deltas(text, generation.Token);
                }
            }
        }
        catch
        {
            await generation.CancelAsync();
            throw;
        }

        return await sequence.Result.Task;
    }

    private sealed class Sequence(GenerationRequest request, CancellationToken cancellationToken)
    {
        public GenerationRequest Request { get; } = request;
        public CancellationToken Cancellation { get; } = cancellationToken;
        public Channel<string> Deltas { get; } = Channel.CreateUnbounded<string>(new() { SingleWriter = true, SingleReader = true });
        public TaskCompletionSource<GenerationResult> Result { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public DefaultSamplingPipeline? Sampler { get; set; }
        /// <summary>Tokens whose keys and values the sequence holds, in position order.</summary>
        public List<LLamaToken> Held { get; } = [];
        public int CachedPromptTokens { get; set; }
        public StopSequences Stops { get; } = new(request.Stop ?? []);
        public StreamingTokenDecoder? Decoder { get; set; }
        public StringBuilder Text { get; } = new();
        /// <summary>Where <see cref="Text"/> was when the last delta was sent.</summary>
        public int Sent { get; set; }
        public long SentAt { get; set; }
        public LLamaSeqId SeqId => (LLamaSeqId)Request.Slot;
        public bool Admitted { get; set; }
        public int Position { get; set; }
        public LLamaToken NextInput { get; set; }
        public int BatchIndex { get; set; } = -1;
        public int Completion { get; set; }
        public long PromptEvalStarted { get; set; }
        public long? PromptEvaluatedAt { get; set; }
        public long? FirstTokenAt { get; set; }
        public long? LastTokenAt { get; set; }
        public int PeakBatchSequences { get; set; }
    }

    private void Run()
    {
        var active = new List<Sequence>();
        var batch = new LLamaBatch();
        while (!_stop.IsCancellationRequested)
        {
            try
            {
                if (active.Count == 0 && !WaitForWork())
                {
                    break;
                }

                while (_incoming.Reader.TryRead(out var sequence))
                {
                    active.Add(sequence);
                }

                Step(active, batch);
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                // A failed decode must not take the service down: fail the generations in flight and carry on.
                _logger.LogError(exception, "Batch decode failed; {Count} generations ended", active.Count);
                foreach (var sequence in active)
                {
                    Fail(sequence, exception);
                }

                active.Clear();
                _context.NativeHandle.MemoryClear(true);
                Cache.ClearAll();
            }
        }

        foreach (var sequence in active)
        {
            Fail(sequence, new ObjectDisposedException(nameof(GenerationEngine), "The model was unloaded."));
        }
    }

    private bool WaitForWork()
    {
        try
        {
            return _incoming.Reader.WaitToReadAsync(_stop.Token).AsTask().GetAwaiter().GetResult();
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    private void Step(List<Sequence> active, LLamaBatch batch)
    {
        // Cancelled sequences leave first, so a slot handed to a new chat never meets its old cache entries.
        foreach (var sequence in active.Where(s => s.Cancellation.IsCancellationRequested).ToList())
        {
            Finish(sequence, GenerationStop.Cancelled);
            active.Remove(sequence);
        }

        // A LoRA adapter applies to the whole context, so sequences with different adapters decode separately.
        foreach (var group in active.GroupBy(s => (s.Request.Adapter, s.Request.AdapterScale)).ToList())
        {
            batch.Clear();
            ApplyAdapter(group.Key);
            var started = _time.GetTimestamp();
            foreach (var sequence in group)
            {
                AddToBatch(sequence, batch, started);
            }

            if (batch.TokenCount == 0)
            {
                continue;
            }

            var result = _context.Decode(batch);
            if (result != DecodeResult.Ok)
            {
                throw new InvalidOperationException($"llama_decode returned {result} for a batch of {batch.TokenCount} tokens.");
            }

            var decodedTogether = group.Count();
            foreach (var sequence in group)
            {
                sequence.PeakBatchSequences = Math.Max(sequence.PeakBatchSequences, decodedTogether);
                if (SampleNext(sequence) is { } stop)
                {
                    Finish(sequence, stop);
                    active.Remove(sequence);
                }
            }
        }
    }

    /// <summary>Switches adapters only when they change: most steps decode with the same set as the last.</summary>
    private void ApplyAdapter((LoraAdapter? Adapter, float Scale) wanted)
    {
        if (wanted == _applied)
        {
            return;
        }

        _context.NativeHandle.SetLoraAdapters(wanted.Adapter is null ? [] : [(wanted.Adapter, wanted.Scale)]);
        _applied = wanted;
    }

    private void AddToBatch(Sequence sequence, LLamaBatch batch, long now)
    {
        if (!sequence.Admitted)
        {
            sequence.Admitted = true;
            sequence.PromptEvalStarted = now;
            sequence.Sampler = CreateSampler(sequence.Request);
            sequence.Decoder = new StreamingTokenDecoder(Encoding.UTF8, _weights);
            var prompt = sequence.Request.Prompt;
            var reused = ReuseCachedPrefix(sequence);
            sequence.Held.AddRange(prompt);
            for (var i = reused; i < prompt.Count; i++)
            {
                batch.Add(prompt[i], i, sequence.SeqId, i == prompt.Count - 1);
            }

            sequence.Position = prompt.Count;
        }
        else
        {
            batch.Add(sequence.NextInput, sequence.Position, sequence.SeqId, true);
            sequence.Held.Add(sequence.NextInput);
            sequence.Position++;
        }

        sequence.BatchIndex = batch.TokenCount - 1;
    }

    /// <summary>
    /// Keeps the part of the slot's cache that the prompt starts with and drops the rest; returns how many prompt
    /// tokens need no evaluation. The last prompt token is always evaluated, since sampling needs its logits.
    /// </summary>
    private int ReuseCachedPrefix(Sequence sequence)
    {
        var request = sequence.Request;
        var slot = request.Slot;
        var shared = Math.Min(Cache.SharedPrefix(slot, request.Prompt, request.Adapter, request.AdapterScale), request.Prompt.Count - 1);
        Cache.Clear(slot);
        var memory = _context.NativeHandle;
        memory.MemorySequenceRemove(sequence.SeqId, shared, -1);
        // Some memory kinds (recurrent, sliding-window) cannot drop a partial range and keep it all; those start over.
        if (shared == 0 || memory.MemorySequenceMaxPosition(sequence.SeqId).Value >= shared)
        {
            memory.MemorySequenceRemove(sequence.SeqId, 0, -1);
            shared = 0;
        }

        sequence.CachedPromptTokens = shared;
        return shared;
    }

    private GenerationStop? SampleNext(Sequence sequence)
    {
        sequence.PromptEvaluatedAt ??= _time.GetTimestamp();
        var token = sequence.Sampler!.Sample(_context.NativeHandle, sequence.BatchIndex);
        var now = _time.GetTimestamp();
        if (token.IsEndOfGeneration(_weights.Vocab))
        {
            return GenerationStop.EndOfGeneration;
        }

        sequence.FirstTokenAt ??= now;
        sequence.LastTokenAt = now;
        sequence.Completion++;
        sequence.Decoder!.Add(token);
        sequence.Text.Append(sequence.Decoder.Read());
        if (sequence.Stops.Cut(sequence.Text))
        {
            return GenerationStop.StopSequence;
        }

        if (sequence.Sent == 0 || now - sequence.SentAt >= _flushTicks)
        {
            SendPending(sequence, now, final: false);
        }

        if (sequence.Completion >= sequence.Request.MaxTokens)
        {
            return GenerationStop.MaxTokens;
        }

        if (sequence.Position + 1 >= sequence.Request.ContextLimit)
        {
            return GenerationStop.ContextFull;
        }

        sequence.NextInput = token;
        return null;
    }

    /// <summary>
    /// Sends the text not sent yet. Until the reply is final, text that could be the start of a stop sequence is held
    /// back, so a client never sees a stop sequence it asked not to get.
    /// </summary>
    private static void SendPending(Sequence sequence, long now, bool final)
    {
        var end = final ? sequence.Text.Length : sequence.Text.Length - sequence.Stops.HoldBack;
        if (end > sequence.Sent)
        {
            sequence.Deltas.Writer.TryWrite(sequence.Text.ToString(sequence.Sent, end - sequence.Sent));
            sequence.Sent = end;
            sequence.SentAt = now;
        }
    }

    private static DefaultSamplingPipeline CreateSampler(GenerationRequest request) => new()
    {
        Temperature = request.Sampling.Temperature,
        TopP = request.Sampling.TopP,
        TopK = request.Sampling.TopK,
        RepeatPenalty = request.Sampling.RepeatPenalty,
        Seed = request.Sampling.Seed,
        Grammar = request.Grammar is null ? null : new Grammar(request.Grammar, "root"),
    };

    private void Finish(Sequence sequence, GenerationStop stop)
    {
        Release(sequence);
        SendPending(sequence, _time.GetTimestamp(), final: true);
        var request = sequence.Request;
        sequence.Result.TrySetResult(new GenerationResult(
            sequence.Text.ToString(), sequence.Completion, stop, sequence.CachedPromptTokens, sequence.PromptEvalStarted,
            sequence.PromptEvaluatedAt, sequence.FirstTokenAt, sequence.LastTokenAt, sequence.PeakBatchSequences));
        sequence.Deltas.Writer.TryComplete();
        _logger.LogDebug("Generation in slot {Slot} ended: {Stop} after {Tokens} tokens ({PromptTokens} prompt)",
            request.Slot, stop, sequence.Completion, request.Prompt.Count);
    }

    private void Fail(Sequence sequence, Exception exception)
    {
        Release(sequence);
        sequence.Result.TrySetException(exception);
        sequence.Deltas.Writer.TryComplete();
    }

    /// <summary>
    /// Frees the sampler. The sequence's keys and values stay in the context for the slot's next prompt: what they
    /// hold is exactly the tokens decoded so far, whether the generation finished or was cancelled between steps.
    /// </summary>
    private void Release(Sequence sequence)
    {
        sequence.Sampler?.Dispose();
        if (sequence.Admitted)
        {
            var request = sequence.Request;
            Cache.Set(request.Slot, new PromptCache.Entry([.. sequence.Held], request.Adapter, request.AdapterScale));
        }
    }

    public async ValueTask DisposeAsync()
    {
        _incoming.Writer.TryComplete();
        await _stop.CancelAsync();
        await Task.Run(() => _thread.Join());
        while (_incoming.Reader.TryRead(out var sequence))
        {
            Fail(sequence, new ObjectDisposedException(nameof(GenerationEngine), "The model was unloaded."));
        }

        _context.Dispose();
        _stop.Dispose();
    }
}
