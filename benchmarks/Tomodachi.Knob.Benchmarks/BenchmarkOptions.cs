namespace Tomodachi.Knob.Benchmarks;

/// <summary>Command line: <c>--target URL</c>, <c>--events N</c>, <c>--warmup N</c>.</summary>
public sealed record BenchmarkOptions(Uri Target, int Events, int Warmup)
{
    public static BenchmarkOptions Parse(string[] args)
    {
        string? Value(string name) => args.SkipWhile(a => a != name).Skip(1).FirstOrDefault();

        return new BenchmarkOptions(
            new Uri(Value("--target") ?? "http://127.0.0.1:5222"),
            int.Parse(Value("--events") ?? "1000"),
            int.Parse(Value("--warmup") ?? "100"));
    }
}
