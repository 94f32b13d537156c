using Vigil.Domain.Labels;
using Vigil.Domain.Metrics.Aggregates;
using Vigil.Domain.Metrics.Query;
using Vigil.Domain.Metrics.Samples;
using Vigil.Functions.Storage;
using Vigil.Storage.Tables;

namespace Vigil.Functions.Metrics.Store;

/// <summary>
/// <see cref="ISeriesQuery"/> on the series table: the metric's index partition lists its series (filtered by the label
/// matchers in memory), then one partition-range query per series reads the buckets of the window (raw rows up to 1 h,
/// rollups beyond), at most <see cref="Parallelism"/> at a time, and <see cref="WindowAggregator"/> does the math.
/// </summary>
public sealed class SeriesQueryService : ISeriesQuery
{
    public const int Parallelism = 16;

    private readonly VigilTables _tables;

    public SeriesQueryService(VigilTables tables) => _tables = tables;

    public async Task<IReadOnlyList<GroupValue>> QueryAsync(SeriesSelector selector, Aggregation aggregation, TimeSpan window, IReadOnlyList<string> groupBy, DateTimeOffset end, CancellationToken ct)
    {
        var plan = WindowPlan.Create(window, end);
        var table = await _tables.GetAsync(TableNames.MetricSeries, ct);
        var series = await FindAsync(table, selector, ct);
        var windows = new SeriesWindow[series.Count];
        await Parallel.ForEachAsync(
            Enumerable.Range(0, series.Count),
            new ParallelOptions { MaxDegreeOfParallelism = Parallelism, CancellationToken = ct },
            async (i, token) => windows[i] = new SeriesWindow(selector.Metric, series[i].Labels, await ReadBucketsAsync(table, series[i].Fingerprint, plan, token)));
        return WindowAggregator.Evaluate(windows, aggregation, plan, groupBy);
    }

    public async Task<IReadOnlyList<SeriesInfo>> ListSeriesAsync(SeriesSelector selector, CancellationToken ct)
    {
        var table = await _tables.GetAsync(TableNames.MetricSeries, ct);
        var series = await FindAsync(table, selector, ct);
        var result = new SeriesInfo[series.Count];
        await Parallel.ForEachAsync(
            Enumerable.Range(0, series.Count),
            new ParallelOptions { MaxDegreeOfParallelism = Parallelism, CancellationToken = ct },
            async (i, token) =>
            {
                // The index row is refreshed every few minutes; the meta row has the latest value.
                var entry = series[i];
                var meta = await table.GetEntityIfExistsAsync(entry.Fingerprint, SeriesRows.MetaKey(entry.Fingerprint), ["LastTime", "LastValue"], token);
                var lastTime = meta.HasValue && meta.Value is { } row ? row.GetInt64("LastTime") ?? entry.LastTime : entry.LastTime;
                var lastValue = meta.HasValue && meta.Value is { } row2 ? row2.GetDouble("LastValue") ?? entry.LastValue : entry.LastValue;
                result[i] = new SeriesInfo(selector.Metric, entry.Labels, entry.Fingerprint, DateTimeOffset.FromUnixTimeMilliseconds(lastTime), lastValue);
            });
        return result;
    }

    /// <summary>The kind of each listed series (the API shows it).</summary>
    public async Task<IReadOnlyDictionary<string, MetricKind>> KindsAsync(string metric, CancellationToken ct)
    {
        var table = await _tables.GetAsync(TableNames.MetricSeries, ct);
        var result = new Dictionary<string, MetricKind>(StringComparer.Ordinal);
        await foreach (var row in table.QueryAsync(TableFilter.Create($"PartitionKey eq {SeriesRows.IndexPartition(metric)}"), 1000, ["RowKey", "Kind"], ct))
        {
            result[row.RowKey] = MetricKinds.TryParse(row.GetString("Kind"), out var kind) ? kind : MetricKind.Gauge;
        }

        return result;
    }

    private static async Task<List<IndexEntry>> FindAsync(TableClient table, SeriesSelector selector, CancellationToken ct)
    {
        var result = new List<IndexEntry>();
        var filter = TableFilter.Create($"PartitionKey eq {SeriesRows.IndexPartition(selector.Metric)}");
        await foreach (var row in table.QueryAsync(filter, 1000, null, ct))
        {
            var labels = SeriesRows.DecodeLabels(row.GetString("Labels"));
            if (LabelMatcher.MatchesAll(selector.Matchers, labels))
            {
                result.Add(new IndexEntry(row.RowKey, labels, row.GetInt64("LastTime") ?? 0, row.GetDouble("LastValue")));
            }
        }

        return result;
    }

    private static async Task<IReadOnlyList<TimedAggregate>> ReadBucketsAsync(TableClient table, string fingerprint, WindowPlan plan, CancellationToken ct)
    {
        var (low, high) = plan.Resolution == Resolution.Raw
            ? (SeriesRows.RawKey(fingerprint, plan.FirstBucketStartMs), SeriesRows.RawKey(fingerprint, plan.LastBucketStartMs))
            : (SeriesRows.RollupKey(fingerprint, plan.LastBucketStartMs), SeriesRows.RollupKey(fingerprint, plan.FirstBucketStartMs));
        var filter = TableFilter.Create($"PartitionKey eq {fingerprint} and RowKey ge {low} and RowKey le {high}");
        var buckets = new List<TimedAggregate>();
        await foreach (var row in table.QueryAsync(filter, 1000, ["RowKey", SeriesRows.Aggregate, SeriesRows.Start], ct))
        {
            if (SeriesRows.DecodeRow(row) is { } bucket)
            {
                buckets.Add(bucket);
            }
        }

        return buckets;
    }

    private sealed record IndexEntry(string Fingerprint, LabelSet Labels, long LastTime, double? LastValue);
}
