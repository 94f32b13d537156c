using Vigil.Domain.Labels;
using Vigil.Domain.Metrics.Aggregates;
using Vigil.Domain.Metrics.Query;
using Vigil.Domain.Metrics.Samples;

namespace Vigil.Domain.Tests.Metrics;

public sealed class WindowAggregatorTests
{
    private static readonly DateTimeOffset End = DateTimeOffset.FromUnixTimeMilliseconds(SampleGenerators.Now);

    [Fact]
    public void Plan_OneMinute_RawBucketsOverlappingTheWindow()
    {
        var plan = WindowPlan.Create(TimeSpan.FromMinutes(1), End.AddSeconds(5));

        Assert.Equal(Resolution.Raw, plan.Resolution);
        Assert.Equal(BucketTime.RawStart(End.AddSeconds(-55).ToUnixTimeMilliseconds()), plan.FirstBucketStartMs);
        Assert.Equal(BucketTime.RawStart(End.AddSeconds(5).ToUnixTimeMilliseconds()), plan.LastBucketStartMs);
    }

    [Fact]
    public void Plan_TwentyFourHours_Rollups()
    {
        var plan = WindowPlan.Create(TimeSpan.FromHours(24), End);

        Assert.Equal(Resolution.Rollup, plan.Resolution);
        Assert.Equal(289, ((plan.LastBucketStartMs - plan.FirstBucketStartMs) / BucketTime.RollupMs) + 1);
        Assert.Throws<ArgumentOutOfRangeException>(() => WindowPlan.Create(TimeSpan.FromHours(25), End));
    }

    [Fact]
    public void Rate_CounterScrapedEvery10sWithAReset_PerSecondIncrease()
    {
        // 1/s for 5 minutes, reset in the middle.
        var samples = Enumerable.Range(0, 30).Select(i => (Time: SampleGenerators.Now - 300_000 + (i * 10_000), Value: i < 15 ? 1000.0 + (i * 10) : (i - 15) * 10.0)).ToList();
        var series = Series("requests_total", MetricKind.Counter, LabelSet.From(("service", "api")), samples);
        var plan = WindowPlan.Create(TimeSpan.FromMinutes(5), End);

        var rate = Assert.Single(WindowAggregator.Evaluate([series], Aggregation.Parse("rate"), plan, []));
        var increase = Assert.Single(WindowAggregator.Evaluate([series], Aggregation.Parse("increase"), plan, []));

        Assert.InRange(rate.Value!.Value, 0.95, 1.05);
        Assert.InRange(increase.Value!.Value, 285, 315);
        Assert.Equal(30, rate.SampleCount);
    }

    [Fact]
    public void Percentile_GroupedByLabel_MergesSketchesOfTheGroup()
    {
        var a1 = Series("latency", MetricKind.Gauge, LabelSet.From(("route", "/a"), ("pod", "1")), Enumerable.Range(1, 500).Select(i => (SampleGenerators.Now - 30_000 + i, i / 1000.0)));
        var a2 = Series("latency", MetricKind.Gauge, LabelSet.From(("route", "/a"), ("pod", "2")), Enumerable.Range(501, 500).Select(i => (SampleGenerators.Now - 30_000 + i, i / 1000.0)));
        var b = Series("latency", MetricKind.Gauge, LabelSet.From(("route", "/b"), ("pod", "1")), [(SampleGenerators.Now - 1000, 7.0)]);
        var plan = WindowPlan.Create(TimeSpan.FromMinutes(1), End);

        var groups = WindowAggregator.Evaluate([a1, a2, b], Aggregation.Parse("p95"), plan, ["route"]);

        Assert.Equal(2, groups.Count);
        Assert.Equal(LabelSet.From(("route", "/a")), groups[0].Group);
        Assert.InRange(groups[0].Value!.Value, 0.950 * 0.99, 0.950 * 1.01);
        Assert.Equal(2, groups[0].SeriesCount);
        Assert.Equal(1000, groups[0].SampleCount);
        Assert.Equal(7.0, groups[1].Value);
    }

    [Theory]
    [InlineData("avg", 2.5)]
    [InlineData("min", 1)]
    [InlineData("max", 4)]
    [InlineData("sum", 10)]
    [InlineData("count", 4)]
    [InlineData("last", 4)]
    public void Evaluate_GaugeStatistics(string aggregate, double expected)
    {
        var series = Series("g", MetricKind.Gauge, LabelSet.Empty, [(SampleGenerators.Now - 40_000, 1.0), (SampleGenerators.Now - 30_000, 2.0), (SampleGenerators.Now - 20_000, 3.0), (SampleGenerators.Now - 10_000, 4.0)]);

        var value = Assert.Single(WindowAggregator.Evaluate([series], Aggregation.Parse(aggregate), WindowPlan.Create(TimeSpan.FromMinutes(1), End), [])).Value;

        Assert.Equal(expected, value);
    }

    [Fact]
    public void Evaluate_SamplesOutsideTheWindow_NoValue()
    {
        var series = Series("g", MetricKind.Gauge, LabelSet.Empty, [(SampleGenerators.Now - 600_000, 1.0)]);

        var group = Assert.Single(WindowAggregator.Evaluate([series], Aggregation.Parse("max"), WindowPlan.Create(TimeSpan.FromMinutes(1), End), []));

        Assert.Null(group.Value);
        Assert.Equal(0, group.SampleCount);
    }

    [Fact]
    public void Increase_Deltas_ExactSum()
    {
        var series = Series("errors", MetricKind.Delta, LabelSet.Empty, [(SampleGenerators.Now - 5000, 1.0)]);

        Assert.Equal(1, Assert.Single(WindowAggregator.Evaluate([series], Aggregation.Parse("increase"), WindowPlan.Create(TimeSpan.FromMinutes(1), End), [])).Value);
    }

    [Fact]
    public void Percentile_PrometheusHistogram_FromBucketIncreasesOverTheWindow()
    {
        double[] bounds = [0.1, 0.25, 0.5, 1, double.PositiveInfinity];
        var start = new HistogramSnapshot(SampleGenerators.Now - 50_000, [100, 200, 300, 400, 400], 100, 400);

        // Over the window: 900 observations in (0, 0.1], 50 in (0.1, 0.25], 50 in (0.5, 1].
        var end = new HistogramSnapshot(SampleGenerators.Now - 1_000, [1000, 1150, 1250, 1400, 1400], 200, 1400);
        var buckets = new[]
        {
            new TimedAggregate(BucketTime.RawStart(start.TimeMs), BucketAggregate.FromHistogram(bounds, start)),
            new TimedAggregate(BucketTime.RawStart(end.TimeMs), BucketAggregate.FromHistogram(bounds, end)),
        };
        var series = new SeriesWindow("request_seconds", LabelSet.Empty, buckets);
        var plan = WindowPlan.Create(TimeSpan.FromMinutes(1), End);

        var p50 = Assert.Single(WindowAggregator.Evaluate([series], Aggregation.Parse("p50"), plan, [])).Value!.Value;
        var p99 = Assert.Single(WindowAggregator.Evaluate([series], Aggregation.Parse("p99"), plan, [])).Value!.Value;
        var count = Assert.Single(WindowAggregator.Evaluate([series], Aggregation.Parse("count"), plan, [])).Value;

        Assert.InRange(p50, 0.0, 0.1);
        Assert.InRange(p99, 0.5, 1.0);
        Assert.Equal(1000, count);
    }

    private static SeriesWindow Series(string metric, MetricKind kind, LabelSet labels, IEnumerable<(long Time, double Value)> samples)
    {
        var buckets = new SortedDictionary<long, BucketAggregate>();
        foreach (var (time, value) in samples.OrderBy(s => s.Time))
        {
            var start = BucketTime.RawStart(time);
            if (buckets.TryGetValue(start, out var aggregate))
            {
                aggregate.Add(value, time);
            }
            else
            {
                buckets[start] = BucketAggregate.FromSample(kind, value, time);
            }
        }

        return new SeriesWindow(metric, labels, buckets.Select(b => new TimedAggregate(b.Key, b.Value)).ToList());
    }
}
