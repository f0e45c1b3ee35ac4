using Microsoft.Extensions.Options;
using Tomodachi.Inference.Configuration;
using Tomodachi.Inference.Generation;

namespace Tomodachi.Inference.Tests.Conversations;

public sealed class SlotAffinityTests
{
    private static SlotGate Gate(int slots) => new(Options.Create(new InferenceOptions { ParallelSlots = slots, QueueCapacity = 2 }));

    [Fact]
    public async Task The_idle_slot_sharing_the_longest_prefix_wins()
    {
        using var gate = Gate(4);
        var shared = new[] { 0, 40, 7, 40 };

        using var slot = await gate.AcquireAsync(i => shared[i], CancellationToken.None);

        Assert.Equal(1, slot.Index);
    }

    [Fact]
    public async Task Without_a_shared_prefix_the_least_recently_used_slot_is_taken()
    {
        using var gate = Gate(3);
        var held = new[] { await gate.AcquireAsync(CancellationToken.None), await gate.AcquireAsync(CancellationToken.None),
            await gate.AcquireAsync(CancellationToken.None) };
        held[2].Dispose();
        held[0].Dispose();
        held[1].Dispose();

        using var next = await gate.AcquireAsync(_ => 0, CancellationToken.None);

        Assert.Equal(2, next.Index);
    }
}
