using Vigil.Domain.Metrics.Aggregates;
using Vigil.Functions.Storage;
using Vigil.Storage.Tables;

namespace Vigil.Functions.Metrics.Store;

/// <summary>
/// Deletes what no query can read any more: raw rows older than <see cref="RawRetention"/> (the longest raw window, 1 h,
/// plus the 1 h a late sample may be), rollups older than <see cref="RollupRetention"/> (the longest window, 24 h, plus
/// margin), and series silent for <see cref="RollupRetention"/> (their meta and index rows). One range query per series
/// and one transaction per 100 deletions. Rows of the layout before row keys carried the fingerprint
/// (<see cref="SeriesRows"/>) fall in the same ranges and go the same way; an old meta row <c>m</c> goes once the series
/// is silent or has a new meta row.
/// </summary>
public sealed class SeriesRetention
{
    public static readonly TimeSpan RawRetention = TimeSpan.FromHours(2);

    public static readonly TimeSpan RollupRetention = TimeSpan.FromHours(26);

    private readonly VigilTables _tables;
    private readonly ILogger<SeriesRetention> _logger;

    public SeriesRetention(VigilTables tables, ILogger<SeriesRetention> logger)
    {
        _tables = tables;
        _logger = logger;
    }

    public sealed record Result(int Series, int RowsDeleted, int SeriesDeleted);

    public async Task<Result> CleanAsync(DateTimeOffset now, CancellationToken ct)
    {
        var table = await _tables.GetAsync(TableNames.MetricSeries, ct);
        var rawCutMs = BucketTime.RawStart((now - RawRetention).ToUnixTimeMilliseconds());
        var rollupCutMs = BucketTime.RollupStart((now - RollupRetention).ToUnixTimeMilliseconds());
        var silentBefore = (now - RollupRetention).ToUnixTimeMilliseconds();

        var series = new List<(string Index, string Fingerprint)>();
        var indexFilter = TableFilter.Create($"PartitionKey ge {SeriesRows.IndexPrefix} and PartitionKey lt {"i`"}");
        await foreach (var row in table.QueryAsync(indexFilter, 1000, ["PartitionKey", "RowKey"], ct))
        {
            series.Add((row.PartitionKey, row.RowKey));
        }

        var rowsDeleted = 0;
        var seriesDeleted = 0;
        await Parallel.ForEachAsync(series, new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = ct }, async (entry, token) =>
        {
            // Old-layout keys (b<digits>, r<digits>) sort just before the new ones of the same bucket, so the cuts
            // below catch them too.
            var rawCut = SeriesRows.RawKey(entry.Fingerprint, rawCutMs);
            var rollupCut = SeriesRows.RollupKey(entry.Fingerprint, rollupCutMs);
            var metaKey = SeriesRows.MetaKey(entry.Fingerprint);
            var filter = TableFilter.Create($"PartitionKey eq {entry.Fingerprint} and ((RowKey ge {"b"} and RowKey lt {rawCut}) or (RowKey gt {rollupCut} and RowKey lt {"s"}) or RowKey eq {metaKey} or RowKey eq {SeriesRows.LegacyMetaRow})");
            var old = new List<string>();
            TableEntity? meta = null;
            TableEntity? legacyMeta = null;
            await foreach (var row in table.QueryAsync(filter, 1000, ["RowKey", "LastTime"], token))
            {
                if (row.RowKey == metaKey)
                {
                    meta = row;
                }
                else if (row.RowKey == SeriesRows.LegacyMetaRow)
                {
                    legacyMeta = row;
                }
                else
                {
                    old.Add(row.RowKey);
                }
            }

            var lastTime = Math.Max(meta?.GetInt64("LastTime") ?? 0, legacyMeta?.GetInt64("LastTime") ?? 0);
            var silent = lastTime < silentBefore;
            if (silent && meta is not null)
            {
                old.Add(metaKey);
            }

            if (legacyMeta is not null && (silent || meta is not null))
            {
                old.Add(SeriesRows.LegacyMetaRow);
            }

            foreach (var chunk in old.Chunk(100))
            {
                await table.SubmitTransactionAsync(chunk.Select(rowKey => new TableTransactionAction(TableTransactionActionType.Delete, new TableEntity(entry.Fingerprint, rowKey))), token);
                Interlocked.Add(ref rowsDeleted, chunk.Length);
            }

            if (silent)
            {
                await table.DeleteEntityAsync(entry.Index, entry.Fingerprint, default, token);
                Interlocked.Increment(ref seriesDeleted);
            }
        });

        _logger.LogInformation("Metrics retention: {Series} series checked, {Rows} rows deleted, {SeriesDeleted} silent series removed", series.Count, rowsDeleted, seriesDeleted);
        return new Result(series.Count, rowsDeleted, seriesDeleted);
    }
}
