using Google.Protobuf.Reflection;
using Grpc.Core;

namespace Tomodachi.IntegrationTests.Hostile;

/// <summary>What the sweep set up before it started: a real memory and a real journaled turn to aim at.</summary>
public sealed record SweepSeed(string MemoryId, string TurnId);

/// <summary>
/// One row of the sweep: an RPC, the hostile input in words, the status the contract documents for it, and the
/// request messages (one, or several for a client stream) as raw bytes.
/// </summary>
public sealed record HostileCase(MethodDescriptor Rpc, string Input, StatusCode Expected, Func<SweepSeed, byte[][]> Messages)
{
    public string Name => $"{Rpc.Service.Name}.{Rpc.Name}: {Input} → {Expected}";

    public override string ToString() => Name;
}
