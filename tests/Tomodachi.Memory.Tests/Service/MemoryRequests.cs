using Google.Protobuf.WellKnownTypes;
using Tomodachi.Memory.V1;

namespace Tomodachi.Memory.Tests.Service;

/// <summary>Short ways to write the requests the service tests send.</summary>
internal static class MemoryRequests
{
    public static StoreRequest Store(string text, string sessionId = "", MemoryRole role = MemoryRole.User, DateTimeOffset? createdAt = null) => new()
    {
        Memory = New(text, sessionId, role, createdAt),
    };

    public static NewMemory New(string text, string sessionId = "", MemoryRole role = MemoryRole.User, DateTimeOffset? createdAt = null) => new()
    {
        Text = text,
        SessionId = sessionId,
        Role = role,
        CreatedAt = createdAt is { } time ? Timestamp.FromDateTimeOffset(time) : null,
    };

    public static SearchRequest Search(string query, uint k = 5, SearchFilter? filter = null) => new() { Query = query, K = k, Filter = filter };
}
