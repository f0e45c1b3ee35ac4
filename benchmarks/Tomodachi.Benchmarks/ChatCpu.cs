
namespace Tomodachi.Benchmarks;

/// <summary>
/// Where the CPU goes while one chat streams through the gateway, per generated token: the service's decode threads,
/// its other threads (gRPC, Kestrel, JIT, GC) and the gateway. On a machine with as many cores as decode threads,
/// every millisecond outside the decode threads is taken from them. (The client shares its process with the bare
/// loop, whose worker threads come and go, so its threads cannot be told apart and are left out.)
/// </summary>
public sealed class ChatCpu((int Inference, int Gateway) processes)
{
    private readonly Dictionary<string, long> _nanoseconds = [];
    private long _serviceTotal;
    private long _gatewayTotal;
    private long _tokens;

    public async Task<ChatSample> MeasureAsync(Func<Task<ChatSample>> chat)
    {
        var (service, gateway) = (ThreadCpu.Read(processes.Inference), ThreadCpu.Read(processes.Gateway));
        var (serviceTotal, gatewayTotal) = (ThreadCpu.ReadProcess(processes.Inference), ThreadCpu.ReadProcess(processes.Gateway));
        var sample = await chat();
        Add("service ", ThreadCpu.Since(service, ThreadCpu.Read(processes.Inference)));
        Add("gateway ", ThreadCpu.Since(gateway, ThreadCpu.Read(processes.Gateway)));
        _serviceTotal += ThreadCpu.ReadProcess(processes.Inference) - serviceTotal;
        _gatewayTotal += ThreadCpu.ReadProcess(processes.Gateway) - gatewayTotal;
        _tokens += sample.Stats.CompletionTokens;
        return sample;
    }

    public string Report()
    {
        double PerToken(long nanoseconds) => nanoseconds / 1e6 / Math.Max(1, _tokens);
        var decode = _nanoseconds.GetValueOrDefault("service " + ThreadCpu.DecodeThreads);
        var busiest = _nanoseconds.Where(t => t.Key != "service " + ThreadCpu.DecodeThreads).OrderByDescending(t => t.Value).Take(6);
        return $"  CPU per generated token during the measured chats: decode threads {PerToken(decode):0.000} ms, other service threads " +
            $"{PerToken(_serviceTotal - decode):0.000} ms, gateway {PerToken(_gatewayTotal):0.000} ms " +
            $"(busiest threads still alive at the end: {string.Join(", ", busiest.Select(t => $"{t.Key} {PerToken(t.Value):0.000}"))})";
    }

    private void Add(string process, Dictionary<string, long> threads)
    {
        foreach (var (name, nanoseconds) in threads)
        {
            _nanoseconds[process + name] = _nanoseconds.GetValueOrDefault(process + name) + nanoseconds;
        }
    }
}
