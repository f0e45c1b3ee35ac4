using static Tomodachi.Benchmarks.ChatProbe;

namespace Tomodachi.Benchmarks;

/// <summary>
/// Whether the CPU the service and the gateway spend outside llama.cpp's decode threads is start-up work or steady
/// state: the same chat through the gateway, measured over the first chats after start and again after many more.
/// CPU time per thread is what counts here, not speed, so the figures hold on a machine that is doing other work.
/// </summary>
public static class SteadyCpuBenchmark
{
    private const int Window = 5;

    public static async Task RunAsync(BenchmarkModel model, TextWriter output, CancellationToken cancellationToken)
    {
        using var services = await GatewayedInference.StartAsync(model.Path, TimeSpan.FromMilliseconds(50), cancellationToken);
        var gateway = services.ThroughGateway;
        await ChatAsync(gateway, "steady-warmup", cancellationToken);

        output.WriteLine($"CPU outside the decode threads, one chat at a time through the gateway, {GeneratedTokens}-token replies:");
        output.WriteLine($"chats 2–{Window + 1} after start:");
        output.WriteLine(await WindowAsync(services, "steady-first", cancellationToken));
        await SettleAsync(gateway, "steady-between", cancellationToken);

        output.WriteLine($"chats {Window + SteadyStateChats + 2}–{2 * Window + SteadyStateChats + 1} after start:");
        output.WriteLine(await WindowAsync(services, "steady-later", cancellationToken));
    }

    private static async Task<string> WindowAsync(GatewayedInference services, string name, CancellationToken cancellationToken)
    {
        var cpu = new ChatCpu(services.ProcessIds);
        for (var chat = 0; chat < Window; chat++)
        {
            await cpu.MeasureAsync(() => ChatAsync(services.ThroughGateway, $"{name}-{chat}", cancellationToken));
        }

        return cpu.Report();
    }
}
