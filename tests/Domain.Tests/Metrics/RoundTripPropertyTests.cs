using System.Text;
using FsCheck;
using FsCheck.Fluent;
using Vigil.Domain.Metrics.Ingest;
using Vigil.Domain.Metrics.Samples;

namespace Vigil.Domain.Tests.Metrics;

/// <summary>Generated valid input, rendered in each format, parses back to exactly the samples it was made from.</summary>
public sealed class RoundTripPropertyTests
{
    private static readonly IngestOptions Options = new(SampleGenerators.Now);

    [Fact]
    public void JsonParser_GeneratedValidSamples_RoundTrip()
    {
        var samples = Arb.From(SampleGenerators.Samples([MetricKind.Gauge, MetricKind.Counter, MetricKind.Delta]));
        Prop.ForAll(samples, list =>
        {
            var batch = JsonSampleParser.Parse(Encoding.UTF8.GetBytes(SampleGenerators.ToJson(list, reverseLabels: list.Count % 2 == 0)), Options);
            return batch.Failure is null && batch.ErrorCount == 0 && batch.ToSamples().SequenceEqual(list);
        }).QuickCheckThrowOnFailure();
    }

    [Fact]
    public void PrometheusParser_GeneratedValidSamples_RoundTrip()
    {
        var samples = Arb.From(SampleGenerators.Samples([MetricKind.Gauge, MetricKind.Counter]).Select(OneKindPerMetric));
        Prop.ForAll(samples, list =>
        {
            var batch = PrometheusTextParser.Parse(Encoding.UTF8.GetBytes(SampleGenerators.ToPrometheus(list)), Options);
            var expected = list.GroupBy(s => s.Metric).SelectMany(g => g).ToList();
            return batch.Failure is null && batch.ErrorCount == 0 && batch.ToSamples().SequenceEqual(expected);
        }).QuickCheckThrowOnFailure();
    }

    [Fact]
    public void InfluxParser_GeneratedValidSamples_RoundTrip()
    {
        var samples = Arb.From(SampleGenerators.Samples([MetricKind.Gauge]).Select(list => list.Where(InfluxRepresentable).ToList()));
        Prop.ForAll(samples, list =>
        {
            var batch = InfluxLineParser.Parse(Encoding.UTF8.GetBytes(SampleGenerators.ToInflux(list)), Options);
            var expected = list.Select(s => s with { Metric = s.Metric + "_value" });
            return batch.Failure is null && batch.ErrorCount == 0 && batch.ToSamples().SequenceEqual(expected);
        }).QuickCheckThrowOnFailure();
    }

    private static List<Sample> OneKindPerMetric(List<Sample> list)
    {
        var kinds = new Dictionary<string, MetricKind>();
        return list.Select(s => kinds.TryAdd(s.Metric, s.Kind) ? s : s with { Kind = kinds[s.Metric] }).ToList();
    }

    /// <summary>Line protocol cannot carry a newline in a tag value, nor a value ending in a backslash (it would escape the separator).</summary>
    private static bool InfluxRepresentable(Sample sample) =>
        sample.Labels.All(l => !l.Value.Contains('\n', StringComparison.Ordinal) && !l.Value.EndsWith('\\'));
}
