namespace Tomodachi.Memory.Memories;

/// <summary>No memory has this id.</summary>
public sealed class MemoryNotFoundException(Guid id) : Exception($"No memory has the id {id}.")
{
    public Guid Id { get; } = id;
}

/// <summary>The store can be read but not searched or written until something is fixed (e.g. a Reindex).</summary>
public sealed class MemoryStoreNotReadyException(string message) : Exception(message);

/// <summary>The backend cannot be reached or opened.</summary>
public sealed class MemoryStoreUnavailableException(string message, Exception? inner = null) : Exception(message, inner);
