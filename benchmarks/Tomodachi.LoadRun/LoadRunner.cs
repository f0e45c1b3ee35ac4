using Grpc.Net.Client;
using Tomodachi.Inference.V1;
using Tomodachi.Memory.V1;

namespace Tomodachi.LoadRun;

/// <summary>One load run from start to report: suite up, RSS before, load, RSS after warm-up and at the end.</summary>
public static class LoadRunner
{
    public const int Ok = 0;
    public const int UnacceptableErrors = 1;
    public const int StoppedByDeadline = 2;

    public static async Task<int> RunAsync(LoadOptions options, CancellationToken ct)
    {
        var startedAt = DateTimeOffset.UtcNow;
        var loadBefore = LoadAverage();
        await using var suite = await Suite.StartOrAttachAsync(options.Attach, options.Model, ct);
        using var channel = GrpcChannel.ForAddress(suite.Gateway);
        var inference = new InferenceService.InferenceServiceClient(channel);
        var model = (await inference.GetModelAsync(new GetModelRequest(), cancellationToken: ct)).Model;
        var repository = RepositoryRoot();

        var memory = new MemoryService.MemoryServiceClient(channel);
        var before = await ReadRssAsync(inference, repository, ct);
        var memoriesBefore = await CountMemoriesAsync(memory, ct);
        IReadOnlyList<ServiceRss> afterWarmup = [];
        Task<ulong>? memoriesAfterWarmup = null;
        // Read on a chat client's thread as the warm-up ends, so straight from /proc (inference included) rather than
        // over gRPC; the memory count is asked for then and read when the run is over.
        var result = await new LoadDriver(channel, options).RunAsync(() =>
        {
            afterWarmup = ServiceMemory.Read(repository);
            memoriesAfterWarmup = CountMemoriesAsync(memory, ct);
        }, ct);
        var end = await ReadRssAsync(inference, repository, ct);
        var memories = new MemoryCounts(memoriesBefore, memoriesAfterWarmup is null ? 0 : await memoriesAfterWarmup, await CountMemoriesAsync(memory, ct));

        var series = end.Select(e => new RssSeries(e.Service, e.Pid,
            before.FirstOrDefault(b => b.Pid == e.Pid)?.RssBytes ?? 0,
            afterWarmup.FirstOrDefault(a => a.Pid == e.Pid)?.RssBytes ?? 0,
            e.RssBytes)).ToList();
        var modelName = $"{model.Id} ({model.Architecture}, {model.Quantization}{(model.Demo ? ", demo: random weights" : "")})";
        var markdown = Report.Markdown(options, result, series, memories, suite.Description, modelName, loadBefore, LoadAverage(), startedAt);
        Console.WriteLine(markdown);
        if (options.Output is { } output)
        {
            await File.WriteAllTextAsync(output, markdown, ct);
        }

        var unacceptable = Report.UnacceptableErrors(result);
        if (unacceptable.Count > 0)
        {
            Console.Error.WriteLine($"Errors other than RESOURCE_EXHAUSTED: {string.Join(", ", unacceptable)}");
            return UnacceptableErrors;
        }

        return result.StoppedByDeadline ? StoppedByDeadline : Ok;
    }

    /// <summary>Every service's RSS from /proc; the inference figure is the service's own GetProcessMemory reading.</summary>
    private static async Task<IReadOnlyList<ServiceRss>> ReadRssAsync(InferenceService.InferenceServiceClient inference, string repository, CancellationToken ct)
    {
        var own = (await inference.GetProcessMemoryAsync(new GetProcessMemoryRequest(), cancellationToken: ct)).Memory;
        return [new ServiceRss("Inference", own.Pid, (long)own.RssBytes), .. ServiceMemory.Read(repository).Where(s => s.Service != "Inference")];
    }

    // The memory service's RSS grows with what it holds (its index keeps every vector in memory), so the report shows both.
    private static async Task<ulong> CountMemoriesAsync(MemoryService.MemoryServiceClient memory, CancellationToken ct) =>
        (await memory.GetStatsAsync(new GetStatsRequest(), cancellationToken: ct)).Stats.Count;

    private static string RepositoryRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "Tomodachi.sln")))
        {
            directory = directory.Parent;
        }

        return directory?.FullName ?? throw new InvalidOperationException($"No Tomodachi.sln above {AppContext.BaseDirectory}.");
    }

    // The 1-minute load average: the machine is shared, and the figures mean little without it.
    private static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Split(' ')[0] : "unknown";
}
