namespace Vigil.Domain.Metrics.Aggregates;

/// <summary>One cumulative snapshot of a Prometheus histogram: count per upper bound (ascending, the last +Inf), sum and count.</summary>
public sealed record HistogramSnapshot(long TimeMs, double[] Cumulative, double Sum, double Count)
{
    public bool IsResetFrom(HistogramSnapshot earlier)
    {
        if (Count < earlier.Count || Cumulative.Length != earlier.Cumulative.Length)
        {
            return true;
        }

        for (var i = 0; i < Cumulative.Length; i++)
        {
            if (Cumulative[i] < earlier.Cumulative[i])
            {
                return true;
            }
        }

        return false;
    }
}

/// <summary>
/// What a bucket (or window) of a histogram series holds: its bucket layout, the first and last cumulative snapshots and
/// the sum of the snapshots taken just before each reset. The increase of every bucket count over the span is
/// <c>last − first + correction</c>, like a counter's, so merging in any order gives the same result while the histogram
/// does not reset.
/// </summary>
public sealed class HistogramState
{
    public HistogramState(double[] upperBounds, HistogramSnapshot first, HistogramSnapshot last, double[] correction, double correctionSum, double correctionCount)
    {
        UpperBounds = upperBounds;
        First = first;
        Last = last;
        Correction = correction;
        CorrectionSum = correctionSum;
        CorrectionCount = correctionCount;
    }

    public double[] UpperBounds { get; }

    public HistogramSnapshot First { get; private set; }

    public HistogramSnapshot Last { get; private set; }

    public double[] Correction { get; }

    public double CorrectionSum { get; private set; }

    public double CorrectionCount { get; private set; }

    public static HistogramState FromSnapshot(double[] upperBounds, HistogramSnapshot snapshot) =>
        new(upperBounds, snapshot, snapshot, new double[upperBounds.Length], 0, 0);

    public HistogramState Clone() =>
        new(UpperBounds, First, Last, (double[])Correction.Clone(), CorrectionSum, CorrectionCount);

    public bool SameLayout(HistogramState other) => UpperBounds.AsSpan().SequenceEqual(other.UpperBounds);

    /// <summary>Merges <paramref name="other"/> (same layout) into this state. See <see cref="BucketAggregate.Merge"/> for the ordering rules.</summary>
    /// <returns>Whether a reset was detected between the two spans.</returns>
    public bool Merge(HistogramState other)
    {
        var (earlier, later) = Order(this, other);
        var sequential = later.First.TimeMs >= earlier.Last.TimeMs;
        var reset = sequential && later.First.IsResetFrom(earlier.Last);
        var newFirst = earlier.First;
        var newLast = this.Last.TimeMs > other.Last.TimeMs || (this.Last.TimeMs == other.Last.TimeMs && this.Last.Count >= other.Last.Count) ? this.Last : other.Last;
        var otherCorrection = other.Correction;
        for (var i = 0; i < Correction.Length; i++)
        {
            Correction[i] += otherCorrection[i] + (reset ? earlier.Last.Cumulative[i] : 0);
        }

        CorrectionSum += other.CorrectionSum + (reset ? earlier.Last.Sum : 0);
        CorrectionCount += other.CorrectionCount + (reset ? earlier.Last.Count : 0);
        First = newFirst;
        Last = newLast;
        return reset;
    }

    /// <summary>Observations per bucket over the span (not cumulative), from the increase of each cumulative count.</summary>
    public double[] BucketIncreases()
    {
        var result = new double[UpperBounds.Length];
        var previous = 0.0;
        for (var i = 0; i < result.Length; i++)
        {
            var cumulative = Math.Max(0, Last.Cumulative[i] - First.Cumulative[i] + Correction[i]);
            result[i] = Math.Max(0, cumulative - previous);
            previous = Math.Max(previous, cumulative);
        }

        return result;
    }

    public double CountIncrease => Math.Max(0, Last.Count - First.Count + CorrectionCount);

    public double SumIncrease => Last.Sum - First.Sum + CorrectionSum;

    private static (HistogramState Earlier, HistogramState Later) Order(HistogramState a, HistogramState b)
    {
        if (a.First.TimeMs != b.First.TimeMs)
        {
            return a.First.TimeMs < b.First.TimeMs ? (a, b) : (b, a);
        }

        if (a.Last.TimeMs != b.Last.TimeMs)
        {
            return a.Last.TimeMs < b.Last.TimeMs ? (a, b) : (b, a);
        }

        return a.First.Count <= b.First.Count ? (a, b) : (b, a);
    }
}
