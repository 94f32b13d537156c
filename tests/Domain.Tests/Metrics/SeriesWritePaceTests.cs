using Vigil.Domain.Metrics.Aggregates;

namespace Vigil.Domain.Tests.Metrics;

public sealed class SeriesWritePaceTests
{
    private const long B = 1_763_000_000_000; // a bucket start (multiple of 10 s)

    [Fact]
    public void NextWriteAt_QuietSeries_TwoWritesInABucketAtOnce()
    {
        var pace = new SeriesWritePace(2);

        Assert.Equal(B + 100, pace.NextWriteAt(B + 100));
        pace.Started(B + 100, waited: false);
        Assert.Equal(B + 150, pace.NextWriteAt(B + 150)); // a breach then its clear: neither waits
        pace.Started(B + 150, waited: false);

        Assert.Equal(B + 10_000, pace.NextWriteAt(B + 200)); // budget spent: the next bucket's start
    }

    [Fact]
    public void NextWriteAt_BusySeries_OneWritePerHalfBucket()
    {
        var pace = new SeriesWritePace(2);
        pace.Started(B, waited: true); // a flush of data that waited

        Assert.Equal(B + 5_000, pace.NextWriteAt(B + 10)); // busy: the midpoint, not at once
        pace.Started(B + 5_000, waited: true);
        Assert.Equal(B + 10_000, pace.NextWriteAt(B + 5_001));
        Assert.Equal(B + 10_000, pace.NextWriteAt(B + 9_999));
    }

    [Fact]
    public void NextWriteAt_BusySeriesSilentForAStep_QuietAgain()
    {
        var pace = new SeriesWritePace(2);
        pace.Started(B + 5_000, waited: true);

        Assert.Equal(B + 11_000, pace.NextWriteAt(B + 11_000)); // the flush point at B + 10 s passed with nothing to write
    }

    [Fact]
    public void Started_AnySequenceOfRequests_NeverMoreThanTheBudgetPerBucket()
    {
        var random = new Random(7);
        foreach (var budget in new[] { 1, 2, 3, 5 })
        {
            var pace = new SeriesWritePace(budget);
            var writes = new Dictionary<long, int>();
            var now = B;
            for (var i = 0; i < 5_000; i++)
            {
                now += random.Next(0, 700);
                var due = pace.NextWriteAt(now);
                Assert.True(due >= now);
                Assert.True(due - now <= BucketTime.RawMs); // nothing waits longer than a bucket
                var waited = due > now || random.Next(2) == 0;
                now = due;
                pace.Started(now, waited);
                var bucket = BucketTime.RawStart(now);
                writes[bucket] = writes.GetValueOrDefault(bucket) + 1;
            }

            Assert.All(writes.Values, n => Assert.InRange(n, 1, budget));
        }
    }

    [Fact]
    public void Refund_WriteThatCostNothing_BudgetKept()
    {
        var pace = new SeriesWritePace(2);
        pace.Started(B + 100, waited: false);
        pace.Started(B + 200, waited: false); // a redelivery: nothing new to write
        pace.Refund();

        Assert.Equal(B + 300, pace.NextWriteAt(B + 300));
    }

    [Fact]
    public void NextWriteAt_ThreeWritesPerBucket_FlushPointsFromTheBucketStart()
    {
        var pace = new SeriesWritePace(3);
        pace.Started(B, waited: true);

        Assert.Equal(B + 3_333, pace.NextWriteAt(B + 1));
        pace.Started(B + 3_333, waited: true);
        Assert.Equal(B + 6_666, pace.NextWriteAt(B + 3_334));
        pace.Started(B + 6_666, waited: true);
        Assert.Equal(B + 10_000, pace.NextWriteAt(B + 9_999));
    }

    [Fact]
    public void NextWriteAt_Unpaced_AlwaysAtOnce()
    {
        var pace = new SeriesWritePace(0);
        for (var t = B; t < B + 1_000; t += 10)
        {
            Assert.Equal(t, pace.NextWriteAt(t));
            pace.Started(t, waited: true);
        }
    }

    [Fact]
    public void IsForgettable_WriteInTheCurrentBucket_False()
    {
        var pace = new SeriesWritePace(2);
        Assert.True(pace.IsForgettable(B));
        pace.Started(B + 9_000, waited: true);
        Assert.False(pace.IsForgettable(B + 9_500));
        Assert.True(pace.IsForgettable(B + 10_000));
    }
}
