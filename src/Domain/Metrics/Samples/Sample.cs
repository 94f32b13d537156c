using Vigil.Domain.Labels;

namespace Vigil.Domain.Metrics.Samples;

/// <summary>
/// One sample: a metric (Prometheus naming), its labels (without <c>__name__</c>), a finite value, a timestamp in Unix
/// milliseconds and a kind. The series is metric + labels (<see cref="SeriesKey"/>).
/// </summary>
public readonly record struct Sample(string Metric, LabelSet Labels, double Value, long TimestampMs, MetricKind Kind);

/// <summary>
/// A Prometheus histogram observed at one instant: the cumulative count per upper bound (<c>le</c>, ascending, the last
/// one +Inf), and the <c>_sum</c>/<c>_count</c> of the same labels when present.
/// </summary>
public sealed record HistogramSample(string Metric, LabelSet Labels, long TimestampMs, double[] UpperBounds, double[] CumulativeCounts, double? Sum, double? Count);

/// <summary>The identity of a series: metric name and labels. Its fingerprint is the <see cref="LabelSet"/>
/// fingerprint of the labels plus <c>__name__</c>, stable across processes.</summary>
public static class SeriesKey
{
    public static LabelSet WithName(string metric, LabelSet labels) => labels.With(LabelSet.MetricNameLabel, metric);

    public static string Fingerprint(string metric, LabelSet labels) => WithName(metric, labels).FingerprintHex;
}
