using FsCheck;
using FsCheck.Fluent;
using Vigil.Domain.Metrics.Aggregates;
using Vigil.Domain.Metrics.Samples;

namespace Vigil.Domain.Tests.Metrics;

public sealed class BucketAggregateTests
{
    [Fact]
    public void Add_CounterResets_IncreaseCountsAcrossTheReset()
    {
        var aggregate = BucketAggregate.FromSample(MetricKind.Counter, 10, 1000);
        aggregate.Add(15, 2000);
        aggregate.Add(3, 3000); // reset: restarted at 0 and reached 3
        aggregate.Add(7, 4000);

        Assert.Equal(1, aggregate.Resets);
        Assert.Equal(5 + 3 + 4, aggregate.Increase);
    }

    [Fact]
    public void Merge_CounterSpansInEitherOrder_SameIncreaseAndResetBetweenDetected()
    {
        var early = BucketAggregate.FromSample(MetricKind.Counter, 100, 1000);
        early.Add(120, 2000);
        var late = BucketAggregate.FromSample(MetricKind.Counter, 5, 3000); // reset between the spans
        late.Add(25, 4000);

        var a = early.Clone();
        a.Merge(late);
        var b = late.Clone();
        b.Merge(early);

        Assert.Equal(20 + 5 + 20, a.Increase);
        Assert.Equal(a.Encode(), b.Encode());
        Assert.Equal(1, a.Resets);
    }

    [Fact]
    public void Merge_CounterWithoutReset_AnyGroupingGivesLastMinusFirst()
    {
        Prop.ForAll(Arb.From(Gen.Choose(0, 1000).NonEmptyListOf()), Arb.From(Gen.Choose(1, 5)), (increments, groupSize) =>
        {
            var cumulative = 0.0;
            var samples = increments.Select((inc, i) => (Time: 1000L * (i + 1), Value: cumulative += inc)).ToList();
            var parts = samples.Chunk(groupSize).Select(chunk =>
            {
                var part = BucketAggregate.FromSample(MetricKind.Counter, chunk[0].Value, chunk[0].Time);
                foreach (var (time, value) in chunk.Skip(1))
                {
                    part.Add(value, time);
                }

                return part;
            }).Reverse().ToList();
            var merged = BucketAggregate.MergeAll(parts)!;
            return merged.Increase == samples[^1].Value - samples[0].Value && merged.Count == samples.Count;
        }).QuickCheckThrowOnFailure();
    }

    [Fact]
    public void Merge_Gauges_CommutativeAndCombinesStatistics()
    {
        Prop.ForAll(Arb.From(Gen.Choose(-1000, 1000).NonEmptyListOf()), Arb.From(Gen.Choose(-1000, 1000).NonEmptyListOf()), (left, right) =>
        {
            var a = Build(MetricKind.Gauge, [.. left], 0);
            var b = Build(MetricKind.Gauge, [.. right], 500);
            var ab = a.Clone();
            ab.Merge(b);
            var ba = b.Clone();
            ba.Merge(a);
            var all = left.Concat(right).ToList();
            return ab.Encode().AsSpan().SequenceEqual(ba.Encode()) && ab.Count == all.Count && ab.Sum == all.Sum() && ab.Min == all.Min() && ab.Max == all.Max();
        }).QuickCheckThrowOnFailure();
    }

    [Fact]
    public void Encode_Decode_RoundTripsEveryKind()
    {
        var histogram = BucketAggregate.FromHistogram([0.1, 1, double.PositiveInfinity], new HistogramSnapshot(1000, [1, 5, 6], 2.5, 6));
        histogram.Merge(BucketAggregate.FromHistogram([0.1, 1, double.PositiveInfinity], new HistogramSnapshot(2000, [3, 9, 12], 5.5, 12)));
        foreach (var aggregate in new[] { Build(MetricKind.Gauge, [1, 2, 3], 0), Build(MetricKind.Counter, [5, 1, 8], 0), Build(MetricKind.Delta, [1, 1], 0), histogram })
        {
            var decoded = BucketAggregate.Decode(aggregate.Encode());
            Assert.Equal(aggregate.Encode(), decoded.Encode());
            Assert.Equal(aggregate.Kind, decoded.Kind);
            Assert.Equal(aggregate.Increase, decoded.Increase);
        }
    }

    [Fact]
    public void TryDecode_Truncated_ReturnsFalse()
    {
        var bytes = Build(MetricKind.Gauge, [1, 2, 3], 0).Encode();
        for (var length = 0; length < bytes.Length; length++)
        {
            Assert.False(BucketAggregate.TryDecode(bytes.AsSpan(0, length), out _));
        }
    }

    [Fact]
    public void Merge_HistogramSnapshots_BucketIncreasesAcrossAReset()
    {
        double[] bounds = [0.1, 1, double.PositiveInfinity];
        var a = BucketAggregate.FromHistogram(bounds, new HistogramSnapshot(1000, [10, 20, 25], 10, 25));
        var b = BucketAggregate.FromHistogram(bounds, new HistogramSnapshot(2000, [12, 26, 31], 14, 31));
        var c = BucketAggregate.FromHistogram(bounds, new HistogramSnapshot(3000, [1, 1, 2], 3, 2)); // process restarted

        var merged = BucketAggregate.MergeAll([c, a, b])!;

        Assert.Equal(1, merged.Resets);
        Assert.Equal([2 + 1, 4 + 0, 0 + 1], merged.Histogram!.BucketIncreases());
        Assert.Equal(6 + 2, merged.Histogram.CountIncrease);
    }

    private static BucketAggregate Build(MetricKind kind, int[] values, long startMs)
    {
        var aggregate = BucketAggregate.FromSample(kind, values[0], startMs);
        for (var i = 1; i < values.Length; i++)
        {
            aggregate.Add(values[i], startMs + i);
        }

        return aggregate;
    }
}
