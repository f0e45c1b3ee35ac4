using LLama.Native;

namespace Tomodachi.Inference.Generation;

/// <summary>
/// What each slot's KV-cache sequence still holds after its last generation, so the next prompt that starts the
/// same way evaluates only what follows the shared prefix (llama-server's prompt caching). Entries are immutable
/// snapshots: the decode thread publishes one when a generation ends, and slot selection reads them from other
/// threads while the slot is idle.
/// </summary>
public sealed class PromptCache(int slots)
{
    private readonly Entry?[] _entries = new Entry?[slots];

    /// <summary>Tokens whose keys and values a sequence holds, at positions 0..n-1, and the adapter they were computed with.</summary>
    public sealed record Entry(LLamaToken[] Tokens, LoraAdapter? Adapter, float AdapterScale);

    /// <summary>
    /// How many leading tokens of <paramref name="prompt"/> the slot already holds. A LoRA adapter changes every
    /// key and value, so a cache computed under another adapter shares nothing.
    /// </summary>
    public int SharedPrefix(int slot, IReadOnlyList<LLamaToken> prompt, LoraAdapter? adapter, float adapterScale)
    {
        var entry = Volatile.Read(ref _entries[slot]);
        if (entry is null || entry.Adapter != adapter || entry.AdapterScale != adapterScale)
        {
            return 0;
        }

        var limit = Math.Min(entry.Tokens.Length, prompt.Count);
        var shared = 0;
        while (shared < limit && entry.Tokens[shared] == prompt[shared])
        {
            shared++;
        }

        return shared;
    }

    internal void Set(int slot, Entry entry) => Volatile.Write(ref _entries[slot], entry);

    internal void Clear(int slot) => Volatile.Write(ref _entries[slot], null);

    internal void ClearAll()
    {
        for (var slot = 0; slot < _entries.Length; slot++)
        {
            Clear(slot);
        }
    }
}
