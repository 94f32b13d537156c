namespace Vigil.Domain.Metrics.Aggregates;

/// <summary>
/// When one series may next be written to the series store (docs/architecture.md, "Series store", "Cost"): at most
/// <see cref="WritesPerBucket"/> writes start in any 10 s bucket of the clock, whatever the message rate.
/// <list type="bullet">
/// <item><b>Quiet</b> (no data waited in the current step): a write starts at once while the bucket has budget left, so a
/// series written now and then (and a breach followed by its clear) is never delayed.</item>
/// <item><b>Busy</b> (the last write flushed data that had waited, in the current step): the next write waits for the
/// next <b>flush point</b>, the bucket divided into <see cref="WritesPerBucket"/> steps (with 2: the bucket's start and
/// midpoint), so a busy series is written once per step and data waits at most one step (5 s).</item>
/// <item>When the budget of a bucket is spent, data waits for the first flush point that has budget (the next
/// bucket's start at the latest).</item>
/// </list>
/// A series becomes quiet again once a whole step passes without a write. 0 writes per bucket means no pacing (every
/// write starts at once). Pure state, times in Unix milliseconds; the caller serialises access.
/// </summary>
public sealed class SeriesWritePace
{
    private long _bucket = long.MinValue;
    private int _writes;
    private long _lastWrite = long.MinValue;
    private bool _lastWaited;

    public SeriesWritePace(int writesPerBucket)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(writesPerBucket);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(writesPerBucket, MaxWritesPerBucket);
        WritesPerBucket = writesPerBucket;
        StepMs = writesPerBucket == 0 ? 0 : BucketTime.RawMs / writesPerBucket;
    }

    /// <summary>At most this many writes per bucket can be asked for (a step of 1 s).</summary>
    public const int MaxWritesPerBucket = 10;

    /// <summary>The budget per bucket; 0 = unpaced.</summary>
    public int WritesPerBucket { get; }

    /// <summary>The distance between two flush points (0 when unpaced).</summary>
    public long StepMs { get; }

    /// <summary>When the last write started (<see cref="long.MinValue"/> if never).</summary>
    public long LastWriteMs => _lastWrite;

    /// <summary>The earliest time at or after <paramref name="nowMs"/> a write of this series may start.</summary>
    public long NextWriteAt(long nowMs)
    {
        if (WritesPerBucket == 0 || (!IsBusy(nowMs) && WritesIn(BucketTime.RawStart(nowMs)) < WritesPerBucket))
        {
            return nowMs;
        }

        // Busy or out of budget: the next flush point whose bucket still has budget.
        var point = NextPoint(nowMs);
        while (WritesIn(BucketTime.RawStart(point)) >= WritesPerBucket)
        {
            point = NextPoint(point);
        }

        return point;
    }

    /// <summary>Records a write starting at <paramref name="nowMs"/>; <paramref name="waited"/>: it flushes data that had to wait.</summary>
    public void Started(long nowMs, bool waited)
    {
        var bucket = BucketTime.RawStart(nowMs);
        if (bucket != _bucket)
        {
            (_bucket, _writes) = (bucket, 0);
        }

        if (WritesPerBucket > 0 && _writes >= WritesPerBucket)
        {
            throw new InvalidOperationException($"the series was already written {_writes} times in the bucket starting at {bucket}");
        }

        _writes++;
        _lastWrite = nowMs;
        _lastWaited = waited;
    }

    /// <summary>
    /// The write started last cost nothing (everything in it had been applied before: a redelivery), so it does not
    /// count against the bucket's budget.
    /// </summary>
    public void Refund()
    {
        if (_writes > 0)
        {
            _writes--;
        }
    }

    /// <summary>
    /// True when this state says nothing a new one would not (no write in the current bucket, so neither budget spent nor
    /// busy): the caller may drop it.
    /// </summary>
    public bool IsForgettable(long nowMs) => _lastWrite == long.MinValue || BucketTime.RawStart(_lastWrite) < BucketTime.RawStart(nowMs);

    private bool IsBusy(long nowMs) => _lastWaited && _lastWrite >= StepStart(nowMs);

    /// <summary>
    /// The flush point at or before <paramref name="timeMs"/>. A bucket has <see cref="WritesPerBucket"/> flush points,
    /// counted from its start (with 3: 0, 3.333 s and 6.666 s).
    /// </summary>
    private long StepStart(long timeMs)
    {
        var bucket = BucketTime.RawStart(timeMs);
        return bucket + (StepIndex(timeMs - bucket) * StepMs);
    }

    /// <summary>The first flush point after <paramref name="timeMs"/>.</summary>
    private long NextPoint(long timeMs)
    {
        var bucket = BucketTime.RawStart(timeMs);
        var index = StepIndex(timeMs - bucket) + 1;
        return index >= WritesPerBucket ? bucket + BucketTime.RawMs : bucket + (index * StepMs);
    }

    private long StepIndex(long offsetMs) => Math.Min(offsetMs / StepMs, WritesPerBucket - 1);

    private int WritesIn(long bucket) => bucket == _bucket ? _writes : 0;
}
