using System.ComponentModel.DataAnnotations;

namespace Tomodachi.Inference.Configuration;

/// <summary>The "Inference" configuration section.</summary>
public sealed class InferenceOptions
{
    public const string SectionName = "Inference";

    /// <summary>
    /// The chat model: a local .gguf path or hf:&lt;owner&gt;/&lt;repo&gt;/&lt;file&gt;.gguf. Empty generates the demo model
    /// (random weights) into <see cref="ModelCache"/>.
    /// </summary>
    public string? Model { get; set; }

    /// <summary>Where downloaded and generated models live (shared with the downloader).</summary>
    [Required]
    public string ModelCache { get; set; } =
        Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache", "tomodachi", "models");

    /// <summary>
    /// Folders of GGUF files, besides <see cref="ModelCache"/>, that requests may name: LoadModel takes a model in
    /// them (by name or path), CompareAdapter an adapter or prompt suite in them; a path anywhere else is refused.
    /// </summary>
    public List<string> ModelFolders { get; set; } = [];

    /// <summary>
    /// How long the model stays loaded without a chat before it is unloaded (like Ollama's keep_alive); the next
    /// chat loads it again. Unset keeps it loaded.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:01", "365.00:00:00")]
    public TimeSpan? KeepAlive { get; set; }

    /// <summary>Load the model when the service starts, rather than on the first LoadModel call.</summary>
    public bool LoadOnStartup { get; set; } = true;

    /// <summary>Tokens of context each chat gets; the shared context holds ParallelSlots times this.</summary>
    [Range(64, 131_072)]
    public int ContextSize { get; set; } = 2048;

    /// <summary>Chats decoded together in one batch.</summary>
    [Range(1, 64)]
    public int ParallelSlots { get; set; } = 4;

    /// <summary>Chats that may wait for a slot; beyond this a chat is refused with RESOURCE_EXHAUSTED.</summary>
    [Range(0, 1024)]
    public int QueueCapacity { get; set; } = 8;

    /// <summary>Threads for single-token decodes; 0 uses every core.</summary>
    [Range(0, 256)]
    public int Threads { get; set; }

    /// <summary>Threads for multi-token decodes (prompts, several chats at once); 0 uses every core.</summary>
    [Range(0, 256)]
    public int BatchThreads { get; set; }

    /// <summary>
    /// Layers offloaded to a GPU when llama.cpp's native library has one (e.g. LLamaSharp.Backend.Cuda12); 0 keeps the
    /// model on the CPU, and more than the model has offloads all of it. Set explicitly because LLamaSharp's own
    /// default (20) would offload part of a model silently wherever a GPU backend is installed.
    /// </summary>
    [Range(0, 1000)]
    public int GpuLayers { get; set; }

    /// <summary>
    /// Reply text generated within this long of the last sent delta goes out in one message (the first token is
    /// never held back); 0 sends every token on its own.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:00:01")]
    public TimeSpan StreamFlushInterval { get; set; } = TimeSpan.FromMilliseconds(50);

    /// <summary>Largest accepted user message, in UTF-8 bytes.</summary>
    [Range(1, 1 << 20)]
    public int MaxMessageBytes { get; set; } = 16 * 1024;

    /// <summary>How long a chat waits for the memory service before replying without memories.</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "00:01:00")]
    public TimeSpan MemoryTimeout { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Memories put into the prompt when the orchestrator asks for them.</summary>
    [Range(1, 20)]
    public int MemoryTopK { get; set; } = 3;

    /// <summary>Most tokens the orchestrator may spend on its routing decision.</summary>
    [Range(8, 512)]
    public int OrchestratorMaxTokens { get; set; } = 128;

    /// <summary>Who routes messages: the model (grammar-constrained JSON), or the fixed rule alone.</summary>
    public OrchestratorMode OrchestratorMode { get; set; } = OrchestratorMode.Model;

    /// <summary>Persona used when neither the request nor the orchestrator names one.</summary>
    [Required]
    public string DefaultPersona { get; set; } = "tomodachi";

    /// <summary>The personas a chat may name.</summary>
    [MinLength(1)]
    public List<PersonaOptions> Personas { get; set; } = [];

    /// <summary>Sizes of the generated demo model.</summary>
    public DemoModelOptions Demo { get; set; } = new();
}

/// <summary>How the orchestrator decides.</summary>
public enum OrchestratorMode
{
    /// <summary>The model writes a grammar-constrained JSON decision; unusable output falls back to the rule.</summary>
    Model,

    /// <summary>The fixed rule only: default persona, search memory with the message. For models too small to route.</summary>
    Rules,
}

/// <summary>One persona: a way of replying.</summary>
public sealed class PersonaOptions
{
    [Required, RegularExpression("^[a-z][a-z0-9_-]{0,31}$")]
    public string Name { get; set; } = "";

    public string Description { get; set; } = "";

    [Required]
    public string SystemPrompt { get; set; } = "";

    [Range(0.0, 5.0)]
    public float Temperature { get; set; } = 0.7f;

    [Range(0.0, 1.0)]
    public float TopP { get; set; } = 0.9f;

    [Range(0, 1000)]
    public int TopK { get; set; } = 40;

    [Range(0.5, 2.0)]
    public float RepeatPenalty { get; set; } = 1.1f;

    /// <summary>Reply length when the request sets none.</summary>
    [Range(1, 131_072)]
    public int MaxTokens { get; set; } = 256;

    /// <summary>A LoRA adapter (GGUF) applied while this persona replies, or empty.</summary>
    public string? AdapterPath { get; set; }

    [Range(0.0, 4.0)]
    public float AdapterScale { get; set; } = 1f;
}

/// <summary>Sizes of the demo model generated when no model is configured.</summary>
public sealed class DemoModelOptions
{
    [Range(300, 100_000)]
    public int VocabSize { get; set; } = 2048;

    [Range(32, 4096)]
    public int EmbeddingLength { get; set; } = 256;

    [Range(1, 64)]
    public int BlockCount { get; set; } = 4;

    [Range(32, 16_384)]
    public int FeedForwardLength { get; set; } = 768;
}
