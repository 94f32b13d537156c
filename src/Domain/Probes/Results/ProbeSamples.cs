using Vigil.Domain.Labels;
using Vigil.Domain.Metrics.Aggregates;
using Vigil.Domain.Metrics.Compaction;
using Vigil.Domain.Metrics.Ingest;
using Vigil.Domain.Metrics.Messages;
using Vigil.Domain.Metrics.Samples;

namespace Vigil.Domain.Probes.Results;

/// <summary>One gauge sample a probe run produces.</summary>
public readonly record struct ProbeSample(string Metric, LabelSet Labels, double Value, long TimestampMs);

/// <summary>
/// The metrics of probe runs, labelled <c>probe</c> (the name), <c>type</c> (http, tcp, dns, tls) and
/// <c>source="vigil:probes"</c>, at the run's end: <c>probe_success</c> (1 passed, 0 failed),
/// <c>probe_duration_seconds</c>, <c>probe_http_status_code</c> (when an HTTP answer came) and
/// <c>probe_tls_cert_days_left</c> (when a certificate was seen). All gauges. The source has a colon, which no
/// ingest key's source may have, so no client can write (or overwrite) a probe series.
/// </summary>
public static class ProbeSamples
{
    public const string Success = "probe_success";
    public const string Duration = "probe_duration_seconds";
    public const string HttpStatusCode = "probe_http_status_code";
    public const string CertDaysLeft = "probe_tls_cert_days_left";

    /// <summary>The <c>source</c> label of every probe series (not a valid ingest-key source: it has a colon).</summary>
    public const string Source = "vigil:probes";

    public static IReadOnlyList<ProbeSample> Of(ProbeDefinition probe, ProbeResult result)
    {
        var labels = LabelSet.From(("probe", probe.Name), ("type", probe.Kind), ("source", Source));
        var at = result.CompletedAt.ToUnixTimeMilliseconds();
        var samples = new List<ProbeSample>(4)
        {
            new(Success, labels, result.Success ? 1 : 0, at),
            new(Duration, labels, Math.Round(result.Duration.TotalSeconds, 6), at),
        };
        if (result.HttpStatus is { } status)
        {
            samples.Add(new ProbeSample(HttpStatusCode, labels, status, at));
        }

        if (result.CertDaysLeft is { } days)
        {
            samples.Add(new ProbeSample(CertDaysLeft, labels, days, at));
        }

        return samples;
    }

    /// <summary>
    /// The <c>metrics</c> queue messages carrying <paramref name="samples"/>: one gauge series per metric and probe,
    /// compacted into 10 s buckets and split as the metrics pipeline splits ingest requests (ids
    /// <c>{baseId}-0</c>, <c>{baseId}-1</c>, ...).
    /// </summary>
    public static IReadOnlyList<MetricsMessage> ToMessages(IEnumerable<ProbeSample> samples, string baseId)
    {
        var series = new Dictionary<(string Metric, LabelSet Labels), SortedDictionary<long, BucketAggregate>>();
        foreach (var sample in samples)
        {
            if (!series.TryGetValue((sample.Metric, sample.Labels), out var buckets))
            {
                series[(sample.Metric, sample.Labels)] = buckets = [];
            }

            var start = BucketTime.RawStart(sample.TimestampMs);
            if (buckets.TryGetValue(start, out var aggregate))
            {
                aggregate.Add(sample.Value, sample.TimestampMs);
            }
            else
            {
                buckets[start] = BucketAggregate.FromSample(MetricKind.Gauge, sample.Value, sample.TimestampMs);
            }
        }

        if (series.Count == 0)
        {
            return [];
        }

        var compacted = series
            .Select(s => new CompactedSeries(new SeriesEntry(s.Key.Metric, s.Key.Labels, MetricKind.Gauge), [.. s.Value.Select(b => new TimedAggregate(b.Key, b.Value))]))
            .ToList();
        return MessageSplitter.Split(compacted, baseId);
    }
}
