namespace Vigil.Domain.Metrics.Aggregates;

/// <summary>The two bucket sizes of the series store: 10 s raw buckets and 5 min rollups (docs/architecture.md).</summary>
public static class BucketTime
{
    public const long RawMs = 10_000;

    public const long RollupMs = 300_000;

    /// <summary>Raw buckets in one rollup.</summary>
    public const int RawPerRollup = (int)(RollupMs / RawMs);

    public static long RawStart(long timeMs) => FloorTo(timeMs, RawMs);

    public static long RollupStart(long timeMs) => FloorTo(timeMs, RollupMs);

    public static long FloorTo(long timeMs, long size) => timeMs - (((timeMs % size) + size) % size);
}

/// <summary>An aggregate and the start of the bucket it covers.</summary>
public readonly record struct TimedAggregate(long BucketStartMs, BucketAggregate Aggregate);
