using Vigil.Domain.Metrics.Aggregates;
using Vigil.Domain.Metrics.Ingest;

namespace Vigil.Domain.Metrics.Compaction;

/// <summary>One series of a request with its samples folded into 10 s bucket aggregates (ascending by bucket).</summary>
public sealed record CompactedSeries(SeriesEntry Series, IReadOnlyList<TimedAggregate> Buckets);

/// <summary>
/// Folds a parsed request into one aggregate per series per raw bucket, so what is enqueued (and written) grows with
/// series × buckets, not with samples. Samples of a series are folded in time order (counter resets are found between
/// consecutive samples).
/// </summary>
public static class RequestCompactor
{
    public static IReadOnlyList<CompactedSeries> Compact(SampleBatch batch)
    {
        var samples = batch.Samples.ToArray();
        Array.Sort(samples, static (a, b) => a.Series != b.Series ? a.Series.CompareTo(b.Series) : a.TimestampMs.CompareTo(b.TimestampMs));

        var perSeries = new Dictionary<int, SortedDictionary<long, BucketAggregate>>();
        SortedDictionary<long, BucketAggregate>? buckets = null;
        var currentSeries = -1;
        BucketAggregate? current = null;
        var currentStart = long.MinValue;
        foreach (var sample in samples)
        {
            if (sample.Series != currentSeries)
            {
                currentSeries = sample.Series;
                buckets = new SortedDictionary<long, BucketAggregate>();
                perSeries.Add(currentSeries, buckets);
                current = null;
            }

            var start = BucketTime.RawStart(sample.TimestampMs);
            if (current is null || start != currentStart)
            {
                currentStart = start;
                if (buckets!.TryGetValue(start, out current))
                {
                    current.Add(sample.Value, sample.TimestampMs);
                }
                else
                {
                    current = BucketAggregate.FromSample(batch.Series[currentSeries].Kind, sample.Value, sample.TimestampMs);
                    buckets.Add(start, current);
                }
            }
            else
            {
                current.Add(sample.Value, sample.TimestampMs);
            }
        }

        foreach (var histogram in batch.Histograms)
        {
            if (!perSeries.TryGetValue(histogram.Series, out var histogramBuckets))
            {
                histogramBuckets = new SortedDictionary<long, BucketAggregate>();
                perSeries.Add(histogram.Series, histogramBuckets);
            }

            var aggregate = BucketAggregate.FromHistogram(histogram.UpperBounds, histogram.Snapshot);
            var start = BucketTime.RawStart(histogram.Snapshot.TimeMs);
            if (histogramBuckets.TryGetValue(start, out var existing))
            {
                existing.Merge(aggregate);
            }
            else
            {
                histogramBuckets.Add(start, aggregate);
            }
        }

        return perSeries
            .OrderBy(p => p.Key)
            .Select(p => new CompactedSeries(batch.Series[p.Key], p.Value.Select(b => new TimedAggregate(b.Key, b.Value)).ToList()))
            .ToList();
    }
}
