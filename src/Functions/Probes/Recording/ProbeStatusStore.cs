using Azure;
using Vigil.Domain.Health;
using Vigil.Domain.Probes.Results;
using Vigil.Domain.Probes.Status;
using Vigil.Functions.Storage;
using Vigil.Storage.Tables;

namespace Vigil.Functions.Probes.Recording;

/// <summary>A stored row: the name, its state and the version read (<c>default</c> when not stored yet).</summary>
public sealed record Stored<T>(string Name, T State, ETag ETag)
{
    public bool IsStored => ETag != default;
}

/// <summary>The status Vigil last saw for a component of its own health, and since when.</summary>
public sealed record ComponentRecord(HealthStatus Status, DateTimeOffset Since, string? Detail);

/// <summary>
/// Probe, heartbeat and component status in one table (<see cref="TableNames.ProbeStatus"/>), a partition each,
/// the name as RowKey. Rows are written with ETags: a writer that read an older version gets a
/// <see cref="TableConflictException"/> (or a conflicting transaction) and decides again on what is stored.
/// Times are UTC ticks (exact round trips). Texts are cut to 1,000 characters.
/// </summary>
public sealed class ProbeStatusStore
{
    public const string ProbePartition = "probe";
    public const string HeartbeatPartition = "heartbeat";
    public const string ComponentPartition = "component";
    private const int MaxText = 1000;
    private const int MaxPerTransaction = 100;

    private readonly VigilTables _tables;

    public ProbeStatusStore(VigilTables tables) => _tables = tables;

    public async Task<Dictionary<string, Stored<ProbeState>>> ListProbesAsync(CancellationToken cancellationToken)
    {
        var result = new Dictionary<string, Stored<ProbeState>>(StringComparer.Ordinal);
        await foreach (var entity in await QueryAsync(ProbePartition, cancellationToken))
        {
            result[entity.RowKey] = new Stored<ProbeState>(entity.RowKey, ToProbeState(entity), entity.ETag);
        }

        return result;
    }

    public async Task<Stored<ProbeState>?> GetProbeAsync(string name, CancellationToken cancellationToken)
    {
        var entity = await GetAsync(ProbePartition, name, cancellationToken);
        return entity is null ? null : new Stored<ProbeState>(name, ToProbeState(entity), entity.ETag);
    }

    /// <summary>
    /// Writes probe rows in transactions of up to 100 (one partition). A transaction fails as a whole when any row
    /// changed since it was read: its rows are returned so the caller can decide again on fresh reads.
    /// </summary>
    public async Task<IReadOnlyList<Stored<ProbeState>>> SaveProbesAsync(IReadOnlyList<Stored<ProbeState>> rows, CancellationToken cancellationToken)
    {
        var table = await _tables.GetAsync(TableNames.ProbeStatus, cancellationToken);
        var conflicted = new List<Stored<ProbeState>>();
        var batches = rows.Chunk(MaxPerTransaction).ToList();
        await Parallel.ForEachAsync(batches, new ParallelOptions { MaxDegreeOfParallelism = 4, CancellationToken = cancellationToken }, async (batch, token) =>
        {
            var actions = batch.Select(row => row.IsStored
                ? new TableTransactionAction(TableTransactionActionType.UpdateReplace, ToEntity(row.Name, row.State), row.ETag)
                : new TableTransactionAction(TableTransactionActionType.Add, ToEntity(row.Name, row.State))).ToList();
            try
            {
                await table.SubmitTransactionAsync(actions, token);
            }
            catch (TableTransactionFailedException ex) when (ex.IsConflict)
            {
                lock (conflicted)
                {
                    conflicted.AddRange(batch);
                }
            }
        });
        return conflicted;
    }

    /// <summary>Writes one probe row if it is still the version read; throws <see cref="TableConflictException"/> otherwise.</summary>
    public async Task SaveProbeAsync(Stored<ProbeState> row, CancellationToken cancellationToken)
    {
        var table = await _tables.GetAsync(TableNames.ProbeStatus, cancellationToken);
        var entity = ToEntity(row.Name, row.State);
        if (row.IsStored)
        {
            await table.UpdateEntityAsync(entity, row.ETag, TableUpdateMode.Replace, cancellationToken);
        }
        else
        {
            await table.AddEntityAsync(entity, cancellationToken);
        }
    }

    public async Task<Dictionary<string, Stored<HeartbeatRecord>>> ListHeartbeatsAsync(CancellationToken cancellationToken)
    {
        var result = new Dictionary<string, Stored<HeartbeatRecord>>(StringComparer.Ordinal);
        await foreach (var entity in await QueryAsync(HeartbeatPartition, cancellationToken))
        {
            result[entity.RowKey] = new Stored<HeartbeatRecord>(entity.RowKey, ToHeartbeat(entity), entity.ETag);
        }

        return result;
    }

    public async Task<Stored<HeartbeatRecord>?> GetHeartbeatAsync(string name, CancellationToken cancellationToken)
    {
        var entity = await GetAsync(HeartbeatPartition, name, cancellationToken);
        return entity is null ? null : new Stored<HeartbeatRecord>(name, ToHeartbeat(entity), entity.ETag);
    }

    /// <summary>Adds or replaces (if unchanged since read) a heartbeat row; throws <see cref="TableConflictException"/> otherwise.</summary>
    public async Task SaveHeartbeatAsync(Stored<HeartbeatRecord> row, CancellationToken cancellationToken)
    {
        var table = await _tables.GetAsync(TableNames.ProbeStatus, cancellationToken);
        var state = row.State.State;
        var entity = new TableEntity(HeartbeatPartition, row.Name)
        {
            ["WatchedSince"] = state.WatchedSince.UtcTicks,
            ["LastBeatFailed"] = state.LastBeatFailed,
            ["Beats"] = state.Beats,
        };
        SetTime(entity, "LastBeatAt", state.LastBeatAt);
        SetTime(entity, "HealthySince", state.HealthySince);
        SetTime(entity, "LastErrorAt", state.LastErrorAt);
        SetText(entity, "LastMessage", state.LastMessage);
        SetText(entity, "LastError", state.LastError);
        SetText(entity, "ObservedStatus", row.State.ObservedStatus?.ToString());
        if (row.IsStored)
        {
            await table.UpdateEntityAsync(entity, row.ETag, TableUpdateMode.Replace, cancellationToken);
        }
        else
        {
            await table.AddEntityAsync(entity, cancellationToken);
        }
    }

    public async Task<Dictionary<string, Stored<ComponentRecord>>> ListComponentsAsync(CancellationToken cancellationToken)
    {
        var result = new Dictionary<string, Stored<ComponentRecord>>(StringComparer.Ordinal);
        await foreach (var entity in await QueryAsync(ComponentPartition, cancellationToken))
        {
            var record = new ComponentRecord(ParseStatus(entity.GetString("Status")), Time(entity, "Since") ?? DateTimeOffset.MinValue, entity.GetString("Detail"));
            result[entity.RowKey] = new Stored<ComponentRecord>(entity.RowKey, record, entity.ETag);
        }

        return result;
    }

    /// <summary>Adds or replaces (if unchanged since read) a component row; throws <see cref="TableConflictException"/> otherwise.</summary>
    public async Task SaveComponentAsync(Stored<ComponentRecord> row, CancellationToken cancellationToken)
    {
        var table = await _tables.GetAsync(TableNames.ProbeStatus, cancellationToken);
        var entity = new TableEntity(ComponentPartition, row.Name)
        {
            ["Status"] = row.State.Status.ToString(),
            ["Since"] = row.State.Since.UtcTicks,
        };
        SetText(entity, "Detail", row.State.Detail);
        if (row.IsStored)
        {
            await table.UpdateEntityAsync(entity, row.ETag, TableUpdateMode.Replace, cancellationToken);
        }
        else
        {
            await table.AddEntityAsync(entity, cancellationToken);
        }
    }

    /// <summary>Deletes rows of things no longer configured (a row changed meanwhile is left for the next run).</summary>
    public async Task DeleteAsync<T>(string partition, IEnumerable<Stored<T>> rows, CancellationToken cancellationToken)
    {
        var table = await _tables.GetAsync(TableNames.ProbeStatus, cancellationToken);
        foreach (var row in rows)
        {
            try
            {
                await table.DeleteEntityAsync(partition, row.Name, row.ETag, cancellationToken);
            }
            catch (RequestFailedException ex) when (ex.Status is 404 or 409 or 412)
            {
                // Gone already, or written since: either way not ours to delete now.
            }
        }
    }

    public static TableEntity ToEntity(string name, ProbeState state)
    {
        var entity = new TableEntity(ProbePartition, name)
        {
            ["Status"] = state.Status.ToString(),
            ["UnhealthyRuns"] = state.UnhealthyRuns,
            ["NotHealthyRuns"] = state.NotHealthyRuns,
            ["HealthyRuns"] = state.HealthyRuns,
            ["PassingRuns"] = state.PassingRuns,
            ["Runs"] = state.Runs,
        };
        SetTime(entity, "Since", state.Since);
        SetTime(entity, "LastScheduledAt", state.LastScheduledAt);
        SetTime(entity, "LastErrorAt", state.LastErrorAt);
        SetText(entity, "LastError", state.LastError);
        if (state.LastResult is { } last)
        {
            entity["LastStartedAt"] = last.StartedAt.UtcTicks;
            entity["LastDurationTicks"] = last.Duration.Ticks;
            entity["LastStatus"] = last.Status.ToString();
            SetText(entity, "LastRunError", last.Error);
            if (last.HttpStatus is { } http)
            {
                entity["LastHttpStatus"] = http;
            }

            if (last.CertDaysLeft is { } days)
            {
                entity["LastCertDaysLeft"] = days;
            }
        }

        return entity;
    }

    public static ProbeState ToProbeState(TableEntity entity)
    {
        ProbeResult? last = null;
        if (Time(entity, "LastStartedAt") is { } started)
        {
            last = new ProbeResult(
                started,
                TimeSpan.FromTicks(entity.GetInt64("LastDurationTicks") ?? 0),
                ParseStatus(entity.GetString("LastStatus")),
                entity.GetString("LastRunError"),
                entity.GetInt32("LastHttpStatus"),
                entity.GetDouble("LastCertDaysLeft"));
        }

        return new ProbeState
        {
            Status = ParseStatus(entity.GetString("Status")),
            Since = Time(entity, "Since"),
            UnhealthyRuns = entity.GetInt32("UnhealthyRuns") ?? 0,
            NotHealthyRuns = entity.GetInt32("NotHealthyRuns") ?? 0,
            HealthyRuns = entity.GetInt32("HealthyRuns") ?? 0,
            PassingRuns = entity.GetInt32("PassingRuns") ?? 0,
            LastScheduledAt = Time(entity, "LastScheduledAt"),
            LastResult = last,
            LastErrorAt = Time(entity, "LastErrorAt"),
            LastError = entity.GetString("LastError"),
            Runs = entity.GetInt64("Runs") ?? 0,
        };
    }

    private static HeartbeatRecord ToHeartbeat(TableEntity entity)
    {
        var state = new HeartbeatState
        {
            WatchedSince = Time(entity, "WatchedSince") ?? DateTimeOffset.MinValue,
            LastBeatAt = Time(entity, "LastBeatAt"),
            LastBeatFailed = entity.GetBoolean("LastBeatFailed") ?? false,
            LastMessage = entity.GetString("LastMessage"),
            HealthySince = Time(entity, "HealthySince"),
            LastErrorAt = Time(entity, "LastErrorAt"),
            LastError = entity.GetString("LastError"),
            Beats = entity.GetInt64("Beats") ?? 0,
        };
        HealthStatus? observed = entity.GetString("ObservedStatus") is { } text ? ParseStatus(text) : null;
        return new HeartbeatRecord(state, observed);
    }

    private async Task<AsyncPageable<TableEntity>> QueryAsync(string partition, CancellationToken cancellationToken)
    {
        var table = await _tables.GetAsync(TableNames.ProbeStatus, cancellationToken);
        return table.QueryAsync(TableFilter.Create($"PartitionKey eq {partition}"), cancellationToken: cancellationToken);
    }

    private async Task<TableEntity?> GetAsync(string partition, string name, CancellationToken cancellationToken)
    {
        var table = await _tables.GetAsync(TableNames.ProbeStatus, cancellationToken);
        var response = await table.GetEntityIfExistsAsync(partition, name, cancellationToken: cancellationToken);
        return response.HasValue ? response.Value : null;
    }

    private static HealthStatus ParseStatus(string? text) => Enum.TryParse<HealthStatus>(text, out var status) ? status : HealthStatus.Unknown;

    private static DateTimeOffset? Time(TableEntity entity, string key) =>
        entity.GetInt64(key) is { } ticks ? new DateTimeOffset(ticks, TimeSpan.Zero) : null;

    private static void SetTime(TableEntity entity, string key, DateTimeOffset? time)
    {
        if (time is { } value)
        {
            entity[key] = value.UtcTicks;
        }
    }

    private static void SetText(TableEntity entity, string key, string? text)
    {
        if (text is not null)
        {
            entity[key] = text.Length <= MaxText ? text : text[..(MaxText - 3)] + "...";
        }
    }
}

/// <summary>A heartbeat's state plus the status RunProbes last saw (to notice a deadline passing and tell the rules).</summary>
public sealed record HeartbeatRecord(HeartbeatState State, HealthStatus? ObservedStatus);
