using BenchmarkDotNet.Running;
using Vigil.Benchmarks.Latency;

namespace Vigil.Benchmarks;

public static class Program
{
    /// <summary>BenchmarkDotNet suites, or a named load harness: <c>detection-latency [iterations]</c>.</summary>
    public static async Task<int> Main(string[] args)
    {
        if (args.Length > 0 && args[0] == "detection-latency")
        {
            return await DetectionLatency.RunAsync(args[1..]);
        }

        BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
        return 0;
    }
}
