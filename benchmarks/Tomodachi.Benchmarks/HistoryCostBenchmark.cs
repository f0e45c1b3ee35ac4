using System.Diagnostics;
using LLama;
using LLama.Common;
using LLama.Native;

namespace Tomodachi.Benchmarks;

/// <summary>
/// What llama.cpp itself charges for a turn as the history grows, without the service: one sequence, as the
/// conversation benchmark's turns would leave it, evaluates a batch of new tokens at positions 0, n, 2n… with the
/// earlier batches kept in its KV cache (what prompt caching does). The tokens evaluated never change; only the
/// cached positions each of them attends over do. One llama.cpp thread, so the calling thread's CPU time is all of
/// the decode's work and does not depend on what else the machine runs; wall time is printed beside it.
/// </summary>
public static class HistoryCostBenchmark
{
    private const int Turns = 10;
    // The evaluated tokens of each turn in the conversation benchmark (its message, template and the previous reply).
    private const int TurnTokens = 212;

    public static void Run(BenchmarkModel model, int repeats, TextWriter output)
    {
        var parameters = new ModelParams(model.Path)
        {
            ContextSize = 4096, BatchSize = 4096, SeqMax = 1, Threads = 1, BatchThreads = 1,
        };
        using var weights = LLamaWeights.LoadFromFile(parameters);
        using var context = weights.CreateContext(parameters);
        var batch = new LLamaBatch();
        var cpu = new double[Turns, repeats];
        var wall = new double[Turns, repeats];
        for (var run = -1; run < repeats; run++)
        {
            context.NativeHandle.MemoryClear(true);
            for (var turn = 0; turn < Turns; turn++)
            {
                batch.Clear();
                for (var i = 0; i < TurnTokens; i++)
                {
                    var position = turn * TurnTokens + i;
                    // Ordinary tokens from the vocabulary's middle (the low ids are control and byte tokens).
                    batch.Add((LLamaToken)(300 + position * 7 % (weights.Vocab.Count - 300)), position, (LLamaSeqId)0, i == TurnTokens - 1);
                }

                var cpuBefore = CallingThreadCpuNanoseconds();
                var clock = Stopwatch.StartNew();
                context.Decode(batch);
                if (run >= 0)
                {
                    wall[turn, run] = clock.Elapsed.TotalMilliseconds;
                    cpu[turn, run] = (CallingThreadCpuNanoseconds() - cpuBefore) / 1e6;
                }
            }
        }

        output.WriteLine($"llama.cpp alone: {TurnTokens} new tokens per turn on one sequence, earlier turns cached, 1 thread, " +
            $"llama.cpp's default attention (flash attention on the CPU), median of {repeats}:");
        output.WriteLine("  turn | cached positions | CPU ms | wall ms");
        for (var turn = 0; turn < Turns; turn++)
        {
            output.WriteLine($"  {turn + 1,4} | {turn * TurnTokens,16} | {Median(cpu, turn),6:0} | {Median(wall, turn),7:0}");
        }

        var ratio = ChatProbe.Median(Enumerable.Range(0, repeats).Select(run => cpu[Turns - 1, run] / cpu[1, run]));
        output.WriteLine($"turn {Turns} / turn 2, CPU time of the decode alone: {ratio:0.00}x (median of per-run ratios)");
    }

    // The decode runs on this thread when llama.cpp has one thread, so the thread's own schedstat is its CPU time.
    private static long CallingThreadCpuNanoseconds() =>
        long.Parse(File.ReadAllText("/proc/thread-self/schedstat").Split(' ')[0]);

    private static double Median(double[,] values, int turn) =>
        ChatProbe.Median(Enumerable.Range(0, values.GetLength(1)).Select(run => values[turn, run]));
}
