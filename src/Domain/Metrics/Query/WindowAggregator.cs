using Vigil.Domain.Labels;
using Vigil.Domain.Metrics.Aggregates;
using Vigil.Domain.Metrics.Samples;
using Vigil.Domain.Metrics.Sketches;

namespace Vigil.Domain.Metrics.Query;

/// <summary>One series' buckets inside a window (as read from the store).</summary>
public sealed record SeriesWindow(string Metric, LabelSet Labels, IReadOnlyList<TimedAggregate> Buckets);

/// <summary>
/// The window math of the query API: each series' buckets in the window are merged into one aggregate, series are
/// grouped by the <c>groupBy</c> labels, and each group is reduced:
/// <list type="bullet">
/// <item>avg, sum, count, min, max over all samples of the group (histograms: observations, from the bucket counts);</item>
/// <item>last: the most recent sample of the group;</item>
/// <item>rate, increase: per series, then summed (counters: reset-corrected and extrapolated to the window edges as
/// Prometheus's rate() does; deltas: the sum of the increments; gauges: last − first);</item>
/// <item>pNN: one sketch of every observation of the group (merged sketches, or the histogram bucket increases).</item>
/// </list>
/// </summary>
public static class WindowAggregator
{
    public static IReadOnlyList<GroupValue> Evaluate(IEnumerable<SeriesWindow> series, Aggregation aggregation, WindowPlan plan, IReadOnlyList<string> groupBy)
    {
        var groups = new Dictionary<LabelSet, List<BucketAggregate?>>();
        foreach (var window in series)
        {
            var group = groupBy.Count == 0 ? LabelSet.Empty : window.Labels.Only(groupBy);
            if (!groups.TryGetValue(group, out var members))
            {
                groups[group] = members = [];
            }

            members.Add(BucketAggregate.MergeAll(window.Buckets.Where(b => plan.Contains(b.BucketStartMs)).Select(b => b.Aggregate)));
        }

        return groups
            .OrderBy(g => g.Key.ToString(), StringComparer.Ordinal)
            .Select(g => Reduce(g.Key, g.Value, aggregation, plan))
            .ToList();
    }

    private static GroupValue Reduce(LabelSet group, List<BucketAggregate?> members, Aggregation aggregation, WindowPlan plan)
    {
        var present = members.Where(m => m is not null).Select(m => m!).ToList();
        var samples = present.Sum(m => m.Kind == MetricKind.Histogram ? (long)(m.Histogram?.CountIncrease ?? 0) : m.Count);
        if (present.Count == 0)
        {
            return new GroupValue(group, null, members.Count, 0);
        }

        double? value = aggregation.Function switch
        {
            AggregateFunction.Count => samples,
            AggregateFunction.Sum => present.Sum(SumOf),
            AggregateFunction.Avg => samples == 0 ? null : present.Sum(SumOf) / samples,
            AggregateFunction.Min => present.Where(m => m.Kind != MetricKind.Histogram).Select(m => (double?)m.Min).Min(),
            AggregateFunction.Max => present.Where(m => m.Kind != MetricKind.Histogram).Select(m => (double?)m.Max).Max(),
            AggregateFunction.Last => present.Where(m => m.Kind != MetricKind.Histogram).OrderByDescending(m => m.LastTimeMs).ThenByDescending(m => m.LastValue).Select(m => (double?)m.LastValue).FirstOrDefault(),
            AggregateFunction.Rate => SumOrNull(present.Select(m => Rate(m, plan))),
            AggregateFunction.Increase => SumOrNull(present.Select(m => Increase(m, plan))),
            AggregateFunction.Percentile => Percentile(present, aggregation.Quantile ?? 0.5),
            _ => null,
        };

        return new GroupValue(group, value, members.Count, samples);
    }

    private static double SumOf(BucketAggregate aggregate) =>
        aggregate.Kind == MetricKind.Histogram ? aggregate.Histogram?.SumIncrease ?? 0 : aggregate.Sum;

    private static double? SumOrNull(IEnumerable<double?> values)
    {
        double? total = null;
        foreach (var value in values)
        {
            if (value is { } v)
            {
                total = (total ?? 0) + v;
            }
        }

        return total;
    }

    /// <summary>Per-second increase over the window.</summary>
    public static double? Rate(BucketAggregate aggregate, WindowPlan plan)
    {
        var coveredSeconds = plan.CoveredMs / 1000.0;
        if (coveredSeconds <= 0)
        {
            return null;
        }

        return aggregate.Kind switch
        {
            MetricKind.Counter => ExtrapolatedIncrease(aggregate, plan) / coveredSeconds,
            MetricKind.Delta => aggregate.Sum / coveredSeconds,
            MetricKind.Histogram => (aggregate.Histogram?.CountIncrease ?? 0) / coveredSeconds,
            _ => aggregate.Count < 2 ? null : (aggregate.LastValue - aggregate.FirstValue) / coveredSeconds,
        };
    }

    /// <summary>Increase over the window: counters rate × window (Prometheus's increase()); deltas the exact sum.</summary>
    public static double? Increase(BucketAggregate aggregate, WindowPlan plan) => aggregate.Kind switch
    {
        MetricKind.Delta => aggregate.Sum,
        MetricKind.Histogram => aggregate.Histogram?.CountIncrease,
        MetricKind.Counter => Rate(aggregate, plan) * plan.Window.TotalSeconds,
        _ => aggregate.Count < 2 ? null : aggregate.LastValue - aggregate.FirstValue,
    };

    /// <summary>
    /// Prometheus's extrapolation (promql/functions.go extrapolatedRate): the increase between the first and last sample,
    /// extended to the edges of the covered range when the gap to an edge is under 1.1 average sample intervals (else by
    /// half an interval), and never below zero at the start for a counter.
    /// </summary>
    private static double? ExtrapolatedIncrease(BucketAggregate aggregate, WindowPlan plan)
    {
        if (aggregate.Count < 2 || aggregate.LastTimeMs <= aggregate.FirstTimeMs)
        {
            return null;
        }

        var increase = aggregate.Increase;
        var sampled = (aggregate.LastTimeMs - aggregate.FirstTimeMs) / 1000.0;
        var toStart = Math.Max(0, (aggregate.FirstTimeMs - plan.FirstBucketStartMs) / 1000.0);
        var toEnd = Math.Max(0, (plan.EndMs - aggregate.LastTimeMs) / 1000.0);
        var average = sampled / (aggregate.Count - 1);
        if (increase > 0 && aggregate.FirstValue >= 0)
        {
            var toZero = sampled * (aggregate.FirstValue / increase);
            toStart = Math.Min(toStart, toZero);
        }

        var threshold = average * 1.1;
        var interval = sampled + (toStart < threshold ? toStart : average / 2) + (toEnd < threshold ? toEnd : average / 2);
        return increase * (interval / sampled);
    }

    private static double? Percentile(List<BucketAggregate> members, double quantile)
    {
        var sketch = new DistributionSketch();
        double? min = null, max = null;
        foreach (var member in members)
        {
            if (member.Kind == MetricKind.Histogram && member.Histogram is { } histogram)
            {
                sketch.Merge(HistogramSketch.FromIncreases(histogram.UpperBounds, histogram.BucketIncreases()));
            }
            else if (member.Sketch is { } memberSketch)
            {
                sketch.Merge(memberSketch);
                min = Math.Min(min ?? member.Min, member.Min);
                max = Math.Max(max ?? member.Max, member.Max);
            }
        }

        var value = sketch.Quantile(quantile);
        if (value is { } v && min is { } lo && max is { } hi && members.All(m => m.Kind != MetricKind.Histogram))
        {
            // The exact extremes are known: an estimate never goes past them.
            return Math.Clamp(v, lo, hi);
        }

        return value;
    }
}
