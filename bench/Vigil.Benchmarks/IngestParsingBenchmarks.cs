using BenchmarkDotNet.Attributes;
using Vigil.Domain.Metrics.Compaction;
using Vigil.Domain.Metrics.Ingest;
using Vigil.Domain.Metrics.Messages;

namespace Vigil.Benchmarks;

/// <summary>
/// Parsing + validation of one 10,000-sample request, single thread. Operations = samples (JSON) or lines (Influx,
/// Prometheus), so BenchmarkDotNet's "Op/s" reads as samples or lines per second. <see cref="Series"/> = distinct
/// series in the request (200: a service's usual push; 10000: every line a new series, the worst case).
/// </summary>
[MemoryDiagnoser]
public class IngestParsingBenchmarks
{
    private const int Samples = 10_000;
    private static readonly IngestOptions Options = new(IngestBodies.Now);

    private byte[] _json = [];
    private byte[] _influx = [];
    private byte[] _prometheus = [];

    [Params(200, 10_000)]
    public int Series { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _json = IngestBodies.Json(Samples, Series);
        _influx = IngestBodies.Influx(Samples, Series);
        _prometheus = IngestBodies.Prometheus(Samples, Series);
        Check(JsonSampleParser.Parse(_json, Options), Samples);
        Check(InfluxLineParser.Parse(_influx, Options), Samples);
        Check(PrometheusTextParser.Parse(_prometheus, Options), -1);
    }

    [Benchmark(OperationsPerInvoke = Samples)]
    public int Json() => JsonSampleParser.Parse(_json, Options).AcceptedCount;

    [Benchmark(OperationsPerInvoke = Samples)]
    public int Influx() => InfluxLineParser.Parse(_influx, Options).AcceptedCount;

    [Benchmark(OperationsPerInvoke = Samples)]
    public int Prometheus() => PrometheusTextParser.Parse(_prometheus, Options).AcceptedCount;

    private static void Check(SampleBatch batch, int expected)
    {
        if (batch.Failure is not null || batch.ErrorCount > 0 || (expected > 0 && batch.AcceptedCount != expected))
        {
            throw new InvalidOperationException($"benchmark body invalid: {batch.Failure?.Error ?? (batch.Errors.Count > 0 ? batch.Errors[0] : null)} accepted {batch.AcceptedCount}");
        }
    }
}

/// <summary>What the ingest function does after parsing: compaction into bucket aggregates and splitting into messages.</summary>
[MemoryDiagnoser]
public class IngestCompactionBenchmarks
{
    private const int Samples = 10_000;
    private SampleBatch _batch = null!;

    [Params(200, 10_000)]
    public int Series { get; set; }

    [GlobalSetup]
    public void Setup() => _batch = JsonSampleParser.Parse(IngestBodies.Json(Samples, Series), new IngestOptions(IngestBodies.Now));

    [Benchmark(OperationsPerInvoke = Samples)]
    public int CompactAndSplit() => MessageSplitter.Split(RequestCompactor.Compact(_batch), "bench").Count;
}
