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

    /// <summary>How often the running totals are logged (while merges happen).</summary>
    public static readonly TimeSpan StatisticsLogInterval = TimeSpan.FromSeconds(10);

    /// <summary>Series whose last written rows are remembered (a read saved per merge); past this the memory is cleared.</summary>
    public const int CachedSeriesLimit = 10_000;

    private const int MaxAttempts = 12;
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, Dictionary<string, TableEntity>> _written = new(StringComparer.Ordinal);
    private long _lastStatisticsLog;
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

    /// <summary>
    /// Merges contributions (from one or more messages) to ONE series. Returns the transactions the successful attempt
    /// submitted: 0 when every contribution had been applied before (a redelivery).
    /// </summary>
    public async Task<int> MergeAsync(IReadOnlyList<SeriesContribution> contributions, CancellationToken ct)
    {
        if (contributions.Count == 0)
        {
            return 0;
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
            // The rows this instance wrote last time (with their ETags) stand in for a read: every write is conditional
            // (ETag, or create-only), so if another instance changed the partition meanwhile the write fails and we read.
            var rows = attempt == 1 && _written.TryRemove(fingerprint, out var remembered)
                ? remembered
                : await ReadAsync(table, fingerprint, minBucket, ct);
            try
            {
                var transactions = await ApplyAsync(table, latest, byBucket, rows, ct);
                Remember(fingerprint, rows, byBucket.Keys.Max());
                LogStatisticsIfDue();
                return transactions;
            }
            catch (Exception ex) when ((ex is TableTransactionFailedException { IsConflict: true } or TableConflictException) && attempt < MaxAttempts)
            {
                // Another instance changed the partition since we read it: read again and redo (what committed is skipped by id).
                Statistics.Conflict();
                await Task.Delay(TimeSpan.FromMilliseconds(Random.Shared.Next(5, 20 * attempt)), ct);
            }
        }
    }

    private void Remember(string fingerprint, Dictionary<string, TableEntity> rows, long latestBucket)
    {
        // Keep what the next merges of this series will touch: the meta row and the rows of the last 10 minutes.
        var oldest = latestBucket - (2 * BucketTime.RollupMs);
        var metaKey = SeriesRows.MetaKey(fingerprint);
        foreach (var key in rows.Where(r => r.Key != metaKey && (r.Value.GetInt64(SeriesRows.Start) ?? long.MinValue) < oldest).Select(r => r.Key).ToList())
        {
            rows.Remove(key);
        }

        if (_written.Count >= CachedSeriesLimit)
        {
            _written.Clear();
        }

        _written[fingerprint] = rows;
    }

    private async Task<Dictionary<string, TableEntity>> ReadAsync(TableClient table, string fingerprint, long minBucket, CancellationToken ct)
    {
        var low = SeriesRows.RawKey(fingerprint, minBucket);
        var high = SeriesRows.RollupKey(fingerprint, BucketTime.RollupStart(minBucket));
        var filter = TableFilter.Create($"PartitionKey eq {fingerprint} and RowKey ge {low} and RowKey le {high}");
        var rows = new Dictionary<string, TableEntity>(StringComparer.Ordinal);
        Statistics.Read();
        await foreach (var row in table.QueryAsync(filter, 1000, null, ct))
        {
            rows[row.RowKey] = row;
        }

        return rows;
    }

    private async Task<int> ApplyAsync(TableClient table, SeriesContribution latest, Dictionary<long, List<(ulong Id, BucketAggregate Aggregate)>> byBucket, Dictionary<string, TableEntity> rows, CancellationToken ct)
    {
        var fingerprint = latest.Fingerprint;
        var now = _time.GetUtcNow();
        rows.TryGetValue(SeriesRows.MetaKey(fingerprint), out var meta);
        var metaETag = meta?.ETag ?? default;
        var metaExists = meta is not null;
        var lastTime = meta?.GetInt64("LastTime") ?? long.MinValue;
        var lastValue = meta?.GetDouble("LastValue") ?? 0;
        var indexedAt = meta?.GetDateTimeOffset("IndexedAt");
        var needsIndex = indexedAt is null || now - indexedAt.Value >= IndexRefreshInterval;
        var transactions = 0;

        foreach (var window in byBucket.GroupBy(b => BucketTime.RollupStart(b.Key)).OrderBy(w => w.Key))
        {
            // Existing rows are updated with Merge, not Replace: every write carries all of a row's properties, so the
            // two mean the same here and cost the same in Azure, but Azurite replaces a row by removing and re-inserting
            // it, which walks its whole RowKey and PartitionKey indexes twice, while a merge updates it in place.
            var actions = new List<TableTransactionAction>();
            rows.TryGetValue(SeriesRows.RollupKey(fingerprint, window.Key), out var rollupRow);
            var rollup = rollupRow is null ? null : SeriesRows.DecodeRow(rollupRow)?.Aggregate;
            var written = 0;
            foreach (var (bucket, parts) in window.OrderBy(b => b.Key))
            {
                var rawKey = SeriesRows.RawKey(fingerprint, bucket);
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
                    : new TableTransactionAction(TableTransactionActionType.UpdateMerge, entity, rawRow.ETag));
            }

            if (written == 0)
            {
                continue; // every part of this window was applied before (a redelivery)
            }

            var rollupEntity = new TableEntity(fingerprint, SeriesRows.RollupKey(fingerprint, window.Key))
            {
                [SeriesRows.Aggregate] = rollup!.Encode(),
                [SeriesRows.Start] = window.Key,
            };
            actions.Add(rollupRow is null
                ? new TableTransactionAction(TableTransactionActionType.Add, rollupEntity)
                : new TableTransactionAction(TableTransactionActionType.UpdateMerge, rollupEntity, rollupRow.ETag));

            if (needsIndex)
            {
                await WriteIndexAsync(table, latest, lastTime, lastValue, ct);
                indexedAt = now;
                needsIndex = false;
            }

            var metaEntity = new TableEntity(fingerprint, SeriesRows.MetaKey(fingerprint))
            {
                ["Metric"] = latest.Metric,
                ["Labels"] = SeriesRows.EncodeLabels(latest.Labels),
                ["Kind"] = latest.Kind.ToText(),
                ["LastTime"] = lastTime,
                ["LastValue"] = lastValue,
                ["IndexedAt"] = indexedAt ?? now,
            };
            actions.Add(metaExists
                ? new TableTransactionAction(TableTransactionActionType.UpdateMerge, metaEntity, metaETag)
                : new TableTransactionAction(TableTransactionActionType.Add, metaEntity));

            var response = await table.SubmitTransactionAsync(actions, ct);
            transactions++;
            Statistics.Transaction();
            Statistics.Buckets(written);

            // What we wrote is now the partition's state: remember each row with its new version (the next window's
            // transaction updates the meta row again; the next merge may start from these rows instead of a read).
            // A row whose new ETag the response lacks is forgotten: treated as absent, its next write is create-only
            // and fails safely (409), which makes us read.
            for (var i = 0; i < actions.Count; i++)
            {
                var entity = actions[i].Entity;
                if (response.Value[i].Headers.ETag is { } etag)
                {
                    entity.ETag = etag;
                    rows[entity.RowKey] = entity;
                }
                else
                {
                    rows.Remove(entity.RowKey);
                }
            }

            metaExists = rows.TryGetValue(SeriesRows.MetaKey(fingerprint), out var writtenMeta);
            metaETag = writtenMeta?.ETag ?? default;
        }

        return transactions;
    }

    private void LogStatisticsIfDue()
    {
        var now = _time.GetTimestamp();
        var last = Interlocked.Read(ref _lastStatisticsLog);
        if (last != 0 && _time.GetElapsedTime(last, now) < StatisticsLogInterval)
        {
            return;
        }

        if (Interlocked.CompareExchange(ref _lastStatisticsLog, now, last) == last && last != 0)
        {
            _logger.LogInformation(
                "Series store totals: {Reads} reads, {Transactions} transactions, {IndexWrites} index writes, {Conflicts} conflicts, {SeriesBuckets} series-buckets written, {Duplicates} duplicates skipped",
                Statistics.Reads,
                Statistics.Transactions,
                Statistics.IndexWrites,
                Statistics.Conflicts,
                Statistics.SeriesBuckets,
                Statistics.SkippedDuplicates);
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
