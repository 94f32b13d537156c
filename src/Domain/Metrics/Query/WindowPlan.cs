using Vigil.Domain.Metrics.Aggregates;

namespace Vigil.Domain.Metrics.Query;

/// <summary>Which stored buckets a query window reads: 10 s raw buckets up to 1 h, 5 min rollups up to 24 h.</summary>
public enum Resolution
{
    Raw,
    Rollup,
}

/// <summary>
/// The buckets that answer a window ending at <see cref="EndMs"/>: every bucket that overlaps the window, from the one
/// holding <c>end − window</c> to the one holding <c>end</c>. So the data read covers the window and at most one bucket
/// more (10 s for raw windows, 5 min for rollup windows); rates divide by the span actually covered.
/// </summary>
public sealed record WindowPlan(Resolution Resolution, long BucketMs, long FirstBucketStartMs, long LastBucketStartMs, long EndMs, TimeSpan Window)
{
    /// <summary>Windows up to this long read raw 10 s buckets.</summary>
    public static readonly TimeSpan LongestRawWindow = TimeSpan.FromHours(1);

    /// <summary>The longest window a query may ask for.</summary>
    public static readonly TimeSpan LongestWindow = TimeSpan.FromHours(24);

    /// <summary>Milliseconds from the first bucket's start to the end: the span the data covers.</summary>
    public long CoveredMs => EndMs - FirstBucketStartMs;

    public static WindowPlan Create(TimeSpan window, DateTimeOffset end)
    {
        if (window <= TimeSpan.Zero || window > LongestWindow)
        {
            throw new ArgumentOutOfRangeException(nameof(window), window, $"A window must be longer than 0 and at most {Time.DurationText.Format(LongestWindow)}.");
        }

        var resolution = window <= LongestRawWindow ? Resolution.Raw : Resolution.Rollup;
        var bucket = resolution == Resolution.Raw ? BucketTime.RawMs : BucketTime.RollupMs;
        var endMs = end.ToUnixTimeMilliseconds();
        var first = BucketTime.FloorTo(endMs - (long)window.TotalMilliseconds, bucket);
        var last = BucketTime.FloorTo(endMs, bucket);
        return new WindowPlan(resolution, bucket, first, last, endMs, window);
    }

    public bool Contains(long bucketStartMs) => bucketStartMs >= FirstBucketStartMs && bucketStartMs <= LastBucketStartMs;
}
