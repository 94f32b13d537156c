using Vigil.Domain.Metrics.Aggregates;
using Vigil.Functions.Storage;
using Vigil.Storage.Tables;

namespace Vigil.Functions.Metrics.Store;

/// <summary>
/// Deletes what no query can read any more: raw rows older than <see cref="RawRetention"/> (the longest raw window, 1 h,
/// plus the 1 h a late sample may be), rollups older than <see cref="RollupRetention"/> (the longest window, 24 h, plus
/// margin), and series silent for <see cref="RollupRetention"/> (their meta and index rows). One range query per series
/// and one transaction per 100 deletions.
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
        var rawCut = SeriesRows.RawKey(BucketTime.RawStart((now - RawRetention).ToUnixTimeMilliseconds()));
        var rollupCut = SeriesRows.RollupKey(BucketTime.RollupStart((now - RollupRetention).ToUnixTimeMilliseconds()));
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
            var filter = TableFilter.Create($"PartitionKey eq {entry.Fingerprint} and ((RowKey ge {"b"} and RowKey lt {rawCut}) or (RowKey gt {rollupCut} and RowKey lt {"s"}) or RowKey eq {SeriesRows.MetaRow})");
            var old = new List<string>();
            TableEntity? meta = null;
            await foreach (var row in table.QueryAsync(filter, 1000, ["RowKey", "LastTime"], token))
            {
                if (row.RowKey == SeriesRows.MetaRow)
                {
                    meta = row;
                }
                else
                {
                    old.Add(row.RowKey);
                }
            }

            var silent = meta is null || (meta.GetInt64("LastTime") ?? 0) < silentBefore;
            if (silent && meta is not null)
            {
                old.Add(SeriesRows.MetaRow);
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
