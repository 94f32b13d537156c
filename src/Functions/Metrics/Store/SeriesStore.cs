using Azure;
using Vigil.Domain.Metrics.Aggregates;
using Vigil.Domain.Metrics.Samples;
using Vigil.Functions.Storage;
using Vigil.Storage.Tables;

namespace Vigil.Functions.Metrics.Store;

/// <summary>
/// Merges bucket aggregates into a series' partition (docs/architecture.md, "Series store"). One merge of one series costs
/// one range query (the touched raw rows, the meta row and the touched rollups are one RowKey range) and one entity group
/// transaction per 5 min rollup window touched (raw rows + their rollup + the meta row, with ETags), plus an index row
/// upsert at most every <see cref="IndexRefreshInterval"/>. Idempotent: each raw row keeps the hashed ids of the messages
/// applied to it, and a rollup changes only in the transaction that changes its raw rows, so a redelivered message adds
/// nothing. A lost ETag race (412, or 409 on a row created meanwhile) re-reads and retries; nothing is lost.
/// </summary>
public sealed class SeriesStore
{
    public static readonly TimeSpan IndexRefreshInterval = TimeSpan.FromMinutes(5);

    private const int MaxAttempts = 12;
    private readonly VigilTables _tables;
    private readonly TimeProvider _time;
    private readonly ILogger<SeriesStore> _logger;

    public SeriesStore(VigilTables tables, TimeProvider time, ILogger<SeriesStore> logger, SeriesStoreStatistics statistics)
    {
        _tables = tables;
        _time = time;
        _logger = logger;
        Statistics = statistics;
    }

    public SeriesStoreStatistics Statistics { get; }

    /// <summary>Merges contributions (from one or more messages) to ONE series.</summary>
    public async Task MergeAsync(IReadOnlyList<SeriesContribution> contributions, CancellationToken ct)
    {
        if (contributions.Count == 0)
        {
            return;
        }

        var latest = contributions[^1];
        var fingerprint = latest.Fingerprint;
        var table = await _tables.GetAsync(TableNames.MetricSeries, ct);
        var byBucket = contributions
            .SelectMany(c => c.Buckets.Select(b => (Bucket: b.BucketStartMs, Id: SeriesRows.HashId(c.MessageId), b.Aggregate)))
            .GroupBy(x => x.Bucket)
            .ToDictionary(g => g.Key, g => g.Select(x => (x.Id, x.Aggregate)).ToList());
        var minBucket = byBucket.Keys.Min();

        for (var attempt = 1; ; attempt++)
        {
            var rows = await ReadAsync(table, fingerprint, minBucket, ct);
            try
            {
                await ApplyAsync(table, latest, byBucket, rows, ct);
                return;
            }
            catch (Exception ex) when ((ex is TableTransactionFailedException { IsConflict: true } or TableConflictException) && attempt < MaxAttempts)
            {
                // Another instance changed the partition since we read it: read again and redo (what committed is skipped by id).
                Statistics.Conflict();
                await Task.Delay(TimeSpan.FromMilliseconds(Random.Shared.Next(5, 20 * attempt)), ct);
            }
        }
    }

    private async Task<Dictionary<string, TableEntity>> ReadAsync(TableClient table, string fingerprint, long minBucket, CancellationToken ct)
    {
        var low = SeriesRows.RawKey(minBucket);
        var high = SeriesRows.RollupKey(BucketTime.RollupStart(minBucket));
        var filter = TableFilter.Create($"PartitionKey eq {fingerprint} and RowKey ge {low} and RowKey le {high}");
        var rows = new Dictionary<string, TableEntity>(StringComparer.Ordinal);
        Statistics.Read();
        await foreach (var row in table.QueryAsync(filter, 1000, null, ct))
        {
            rows[row.RowKey] = row;
        }

        return rows;
    }

    private async Task ApplyAsync(TableClient table, SeriesContribution latest, Dictionary<long, List<(ulong Id, BucketAggregate Aggregate)>> byBucket, Dictionary<string, TableEntity> rows, CancellationToken ct)
    {
        var fingerprint = latest.Fingerprint;
        var now = _time.GetUtcNow();
        rows.TryGetValue(SeriesRows.MetaRow, out var meta);
        var metaETag = meta?.ETag ?? default;
        var metaExists = meta is not null;
        var lastTime = meta?.GetInt64("LastTime") ?? long.MinValue;
        var lastValue = meta?.GetDouble("LastValue") ?? 0;
        var indexedAt = meta?.GetDateTimeOffset("IndexedAt");
        var needsIndex = indexedAt is null || now - indexedAt.Value >= IndexRefreshInterval;

        foreach (var window in byBucket.GroupBy(b => BucketTime.RollupStart(b.Key)).OrderBy(w => w.Key))
        {
            var actions = new List<TableTransactionAction>();
            rows.TryGetValue(SeriesRows.RollupKey(window.Key), out var rollupRow);
            var rollup = rollupRow is null ? null : SeriesRows.DecodeRow(rollupRow)?.Aggregate;
            var written = 0;
            foreach (var (bucket, parts) in window.OrderBy(b => b.Key))
            {
                var rawKey = SeriesRows.RawKey(bucket);
                rows.TryGetValue(rawKey, out var rawRow);
                var aggregate = rawRow is null ? null : SeriesRows.DecodeRow(rawRow)?.Aggregate;
                var idList = SeriesRows.DecodeIdList(rawRow?.GetBinary(SeriesRows.Ids));
                var ids = new HashSet<ulong>(idList);
                var changed = false;
                foreach (var (id, part) in parts)
                {
                    if (!ids.Add(id))
                    {
                        Statistics.Duplicate();
                        continue;
                    }

                    idList.Add(id);
                    aggregate = Merge(aggregate, part);
                    rollup = Merge(rollup, part);
                    if (part.LastTimeMs > lastTime || (part.LastTimeMs == lastTime && part.LastValue > lastValue))
                    {
                        (lastTime, lastValue) = (part.LastTimeMs, part.LastValue);
                    }

                    changed = true;
                }

                if (!changed)
                {
                    continue;
                }

                written++;
                var entity = new TableEntity(fingerprint, rawKey)
                {
                    [SeriesRows.Aggregate] = aggregate!.Encode(),
                    [SeriesRows.Ids] = SeriesRows.EncodeIds(idList),
                    [SeriesRows.Start] = bucket,
                };
                actions.Add(rawRow is null
                    ? new TableTransactionAction(TableTransactionActionType.Add, entity)
                    : new TableTransactionAction(TableTransactionActionType.UpdateReplace, entity, rawRow.ETag));
            }

            if (written == 0)
            {
                continue; // every part of this window was applied before (a redelivery)
            }

            var rollupEntity = new TableEntity(fingerprint, SeriesRows.RollupKey(window.Key))
            {
                [SeriesRows.Aggregate] = rollup!.Encode(),
                [SeriesRows.Start] = window.Key,
            };
            actions.Add(rollupRow is null
                ? new TableTransactionAction(TableTransactionActionType.Add, rollupEntity)
                : new TableTransactionAction(TableTransactionActionType.UpdateReplace, rollupEntity, rollupRow.ETag));

            if (needsIndex)
            {
                await WriteIndexAsync(table, latest, lastTime, lastValue, ct);
                indexedAt = now;
                needsIndex = false;
            }

            var metaEntity = new TableEntity(fingerprint, SeriesRows.MetaRow)
            {
                ["Metric"] = latest.Metric,
                ["Labels"] = SeriesRows.EncodeLabels(latest.Labels),
                ["Kind"] = latest.Kind.ToText(),
                ["LastTime"] = lastTime,
                ["LastValue"] = lastValue,
                ["IndexedAt"] = indexedAt ?? now,
            };
            actions.Add(metaExists
                ? new TableTransactionAction(TableTransactionActionType.UpdateReplace, metaEntity, metaETag)
                : new TableTransactionAction(TableTransactionActionType.Add, metaEntity));

            var response = await table.SubmitTransactionAsync(actions, ct);
            Statistics.Transaction();
            Statistics.Buckets(written);

            // The next window's transaction updates the meta row again: carry its new version.
            metaExists = true;
            metaETag = response.Value[^1].Headers.ETag ?? ETag.All;
        }
    }

    private async Task WriteIndexAsync(TableClient table, SeriesContribution series, long lastTime, double lastValue, CancellationToken ct)
    {
        var index = new TableEntity(SeriesRows.IndexPartition(series.Metric), series.Fingerprint)
        {
            ["Labels"] = SeriesRows.EncodeLabels(series.Labels),
            ["Kind"] = series.Kind.ToText(),
            ["LastTime"] = lastTime,
            ["LastValue"] = lastValue,
        };
        await table.UpsertEntityAsync(index, TableUpdateMode.Replace, ct);
        Statistics.IndexWrite();
        _logger.LogDebug("Indexed series {Metric} {Fingerprint}", series.Metric, series.Fingerprint);
    }

    private static BucketAggregate Merge(BucketAggregate? into, BucketAggregate part)
    {
        if (into is null)
        {
            return part.Clone();
        }

        into.Merge(part);
        return into;
    }
}
