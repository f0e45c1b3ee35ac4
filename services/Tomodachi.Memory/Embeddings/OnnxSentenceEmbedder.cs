using System.Numerics.Tensors;
using System.Text;
using FastBertTokenizer;
using Microsoft.ML.OnnxRuntime;
using SessionOptions = Microsoft.ML.OnnxRuntime.SessionOptions;

namespace Tomodachi.Memory.Embeddings;

/// <summary>
/// A BERT-style sentence-embedding model (<see cref="SentenceModel"/>) run by ONNX Runtime on the CPU. Texts are
/// tokenised with WordPiece (FastBertTokenizer over the model's own vocabulary), cut to the model's window, sorted by
/// length and run in batches padded only to the longest text of each batch; the per-token vectors are pooled as the
/// model expects and scaled to unit length. One session serves every caller (ONNX Runtime's Run is thread-safe).
/// </summary>
public sealed class OnnxSentenceEmbedder : IEmbedder, IDisposable
{
    private const string HiddenStateOutput = "last_hidden_state";

    private readonly SentenceModel model;
    private readonly InferenceSession session;
    private readonly BertTokenizer tokenizer;
    private readonly int batchSize;

    private OnnxSentenceEmbedder(SentenceModel model, InferenceSession session, BertTokenizer tokenizer, int dimension, int batchSize)
    {
        this.model = model;
        this.session = session;
        this.tokenizer = tokenizer;
        this.batchSize = batchSize;
        Dimension = dimension;
    }

    public string Name => model.EmbedderName;

    public int Dimension { get; }

    /// <summary>Loads <paramref name="model"/> from the assembly file that carries it.</summary>
    /// <param name="threads">ONNX Runtime's intra-op threads; 0 uses every core.</param>
    /// <exception cref="FileNotFoundException">The assembly file does not exist.</exception>
    /// <exception cref="InvalidDataException">The file does not hold the model, or ONNX Runtime refuses it.</exception>
    public static OnnxSentenceEmbedder Load(SentenceModel model, string assemblyPath, int threads, int batchSize)
    {
        var tokenizer = new BertTokenizer();
        var vocabulary = AssemblyResources.Read(assemblyPath, model.VocabularyResource);
        using (var reader = new StreamReader(new MemoryStream(vocabulary), Encoding.UTF8))
        {
            // Both packaged models are uncased: the tokenizer lower-cases and strips accents as BERT's did.
            tokenizer.LoadVocabulary(reader, convertInputToLowercase: true);
        }

        var options = new SessionOptions
        {
            IntraOpNumThreads = threads,
            InterOpNumThreads = 1,
            ExecutionMode = ExecutionMode.ORT_SEQUENTIAL,
            GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
        };
        InferenceSession session;
        try
        {
            session = new InferenceSession(AssemblyResources.Read(assemblyPath, model.ModelResource), options);
        }
        catch (OnnxRuntimeException e)
        {
            throw new InvalidDataException($"ONNX Runtime cannot load the model in '{assemblyPath}': {e.Message}", e);
        }
        finally
        {
            options.Dispose();
        }

        if (!session.OutputMetadata.TryGetValue(HiddenStateOutput, out var output) || output.Dimensions is not [_, _, > 0 and var dimension])
        {
            session.Dispose();
            throw new InvalidDataException($"The model in '{assemblyPath}' has no {HiddenStateOutput} output of a fixed width.");
        }

        // The model's bytes were only needed to build the session: give their 90 MB back instead of keeping them as
        // free space in the large-object heap.
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
        return new OnnxSentenceEmbedder(model, session, tokenizer, dimension, batchSize);
    }

    public ValueTask<IReadOnlyList<TextEmbedding>> EmbedAsync(IReadOnlyList<string> texts, EmbeddingKind kind, CancellationToken cancellationToken)
    {
        var prefix = kind == EmbeddingKind.Query ? model.QueryPrefix : "";
        var tokenized = texts.Select(text => Tokenize(prefix + text)).ToArray();
        var results = new TextEmbedding[texts.Count];
        // Similar lengths together: a batch is padded to its longest text, so sorting wastes the least work.
        var order = Enumerable.Range(0, texts.Count).OrderBy(i => tokenized[i].Length).ToArray();
        foreach (var batch in order.Chunk(batchSize))
        {
            cancellationToken.ThrowIfCancellationRequested();
            var vectors = Run(batch.Select(i => tokenized[i]).ToArray(), cancellationToken);
            for (var j = 0; j < batch.Length; j++)
            {
                results[batch[j]] = new TextEmbedding(vectors[j], tokenized[batch[j]].Length);
            }
        }

        return ValueTask.FromResult<IReadOnlyList<TextEmbedding>>(results);
    }

    public void Dispose() => session.Dispose();

    /// <summary>[CLS] tokens [SEP], cut to the model's window.</summary>
    private long[] Tokenize(string text)
    {
        var ids = new long[model.MaxTokens];
        var mask = new long[model.MaxTokens];
        var count = tokenizer.Encode(text, ids, mask);
        return ids[..count];
    }

    private float[][] Run(long[][] batch, CancellationToken cancellationToken)
    {
        var rows = batch.Length;
        var width = batch.Max(ids => ids.Length);
        var inputIds = new long[rows * width];
        var attention = new long[rows * width];
        for (var row = 0; row < rows; row++)
        {
            batch[row].CopyTo(inputIds, row * width);
            attention.AsSpan(row * width, batch[row].Length).Fill(1);
        }

        long[] shape = [rows, width];
        using var ids = OrtValue.CreateTensorValueFromMemory(inputIds, shape);
        using var mask = OrtValue.CreateTensorValueFromMemory(attention, shape);
        using var types = OrtValue.CreateTensorValueFromMemory(new long[rows * width], shape);
        using var runOptions = new RunOptions();
        using var cancel = cancellationToken.Register(() => runOptions.Terminate = true);
        using var outputs = session.Run(
            runOptions,
            new Dictionary<string, OrtValue> { ["input_ids"] = ids, ["attention_mask"] = mask, ["token_type_ids"] = types },
            [HiddenStateOutput]);
        cancellationToken.ThrowIfCancellationRequested();

        var hidden = outputs[0].GetTensorDataAsSpan<float>();
        var vectors = new float[rows][];
        for (var row = 0; row < rows; row++)
        {
            var tokens = hidden.Slice(row * width * Dimension, width * Dimension);
            vectors[row] = Pool(tokens, batch[row].Length);
        }

        return vectors;
    }

    private float[] Pool(ReadOnlySpan<float> tokens, int realTokens)
    {
        var vector = new float[Dimension];
        if (model.Pooling == SentencePooling.Cls)
        {
            tokens[..Dimension].CopyTo(vector);
        }
        else
        {
            for (var t = 0; t < realTokens; t++)
            {
                TensorPrimitives.Add(vector, tokens.Slice(t * Dimension, Dimension), vector);
            }

            TensorPrimitives.Divide(vector, realTokens, vector);
        }

        var norm = TensorPrimitives.Norm(vector);
        if (norm > 0)
        {
            TensorPrimitives.Divide(vector, norm, vector);
        }

        return vector;
    }
}
