using BenchmarkDotNet.Attributes;
using Vigil.Domain.Configuration;

namespace Vigil.Benchmarks.Rules;

/// <summary>Reading and validating a configuration document of 200 rules (what PUT /api/config and every cold start pay).</summary>
[MemoryDiagnoser]
public class ConfigLoadBenchmarks
{
    private string _document = string.Empty;

    [GlobalSetup]
    public void Setup()
    {
        var builder = new System.Text.StringBuilder("rules:\n");
        for (var i = 0; i < 200; i++)
        {
            builder.Append("  - name: Rule").Append(i).Append('\n')
                .Append("    metric: metric_").Append(i % 20).Append('\n')
                .Append("""
                        match: { status: "=~5..", env: prod }
                        aggregate: p95
                        window: 5m
                        groupBy: [service, route]
                        thresholds: { warning: "> 1", critical: "> 3" }
                        for: 1m
                        annotations:
                          summary: "p95 {{ value | duration }} on {{ labels.service }}"

                    """);
        }

        _document = builder.ToString();
        if (!ConfigReader.Load(_document).IsValid)
        {
            throw new InvalidOperationException(string.Join("\n", ConfigReader.Load(_document).Errors));
        }
    }

    [Benchmark]
    public int Load200Rules() => ConfigReader.Load(_document).Config!.Rules.Count;
}
