using System.Text.Json;
using Azure;
using Vigil.Domain.Notifications.Notify;
using Vigil.Domain.Notifications.RateLimits;
using Vigil.Domain.Notifications.Receivers;
using Vigil.Functions.Hosting;
using Vigil.Functions.Storage;
using Vigil.Storage.Tables;

namespace Vigil.Functions.Notifications.Delivery;

/// <summary>Where a notification's delivery stands.</summary>
public enum DeliveryState
{
    /// <summary>On its channel queue (or about to be).</summary>
    Queued,

    /// <summary>Claimed by a dispatcher that is calling the receiver now (until LeaseUntil).</summary>
    Sending,

    /// <summary>Waiting for NextAttemptAt (back-off, Retry-After or a rate-limit slot); the sweep re-enqueues it.</summary>
    Retrying,

    Delivered,

    /// <summary>The receiver refused it, or Vigil cannot send it (not retried); a meta-alert went to the fallback receiver.</summary>
    Failed,

    /// <summary>Retried until the deadline without success; a meta-alert went to the fallback receiver.</summary>
    DeadLettered,

    /// <summary>A process stopped while the request was out: it may have arrived; never sent again.</summary>
    Unknown,
}

/// <summary>
/// The delivery record of one notification (keyed by its id): its content, state and attempts. Every change is
/// written with the ETag read, so a redelivered message, a second dispatcher instance or the sweep racing on one
/// notification cannot both claim it.
/// </summary>
public sealed record DeliveryRecord
{
    public required Notification Notification { get; init; }

    public DeliveryState State { get; init; }

    public int Attempts { get; init; }

    public required DateTimeOffset Deadline { get; init; }

    public DateTimeOffset? NextAttemptAt { get; init; }

    public DateTimeOffset? LeaseUntil { get; init; }

    /// <summary>A rate-limit slot reserved for this notification (it does not take another when it comes back).</summary>
    public DateTimeOffset? RateSlot { get; init; }

    public string? LastReason { get; init; }

    public int? LastStatus { get; init; }

    public string? LastDetail { get; init; }

    public DateTimeOffset UpdatedAt { get; init; }

    public ETag ETag { get; init; }

    public string Id => Notification.Id;

    public bool IsFinal => State is DeliveryState.Delivered or DeliveryState.Failed or DeliveryState.DeadLettered or DeliveryState.Unknown;
}

/// <summary>
/// Delivery records in Table Storage, one partition (<c>delivery</c>): <c>r:id</c> the record, <c>o:id</c> an
/// index row while the delivery is open with the time the sweep should look at it (<c>NextCheckTicks</c>), both
/// written in one transaction. Also keeps the rate-limit state (<c>rate:key</c>).
/// </summary>
public sealed class DeliveryStore
{
    private const string Partition = "delivery";
    private const string RecordPrefix = "r:";
    private const string OpenPrefix = "o:";
    private const string RatePrefix = "rate:";

    private readonly VigilTables _tables;

    public DeliveryStore(VigilTables tables) => _tables = tables;

    /// <summary>Creates the record (queued). False when it exists already (a flush or relay done twice): nothing is changed.</summary>
    public async Task<bool> CreateAsync(DeliveryRecord record, DateTimeOffset nextCheck, CancellationToken cancellationToken)
    {
        var table = await _tables.GetAsync(TableNames.Deliveries, cancellationToken);
        try
        {
            await table.SubmitTransactionAsync(
                [
                    new TableTransactionAction(TableTransactionActionType.Add, ToEntity(record)),
                    new TableTransactionAction(TableTransactionActionType.UpsertReplace, OpenRow(record.Id, nextCheck)),
                ],
                cancellationToken);
            return true;
        }
        catch (TableTransactionFailedException ex) when (ex.Status == 409)
        {
            return false;
        }
    }

    public async Task<DeliveryRecord?> GetAsync(string id, CancellationToken cancellationToken)
    {
        var table = await _tables.GetAsync(TableNames.Deliveries, cancellationToken);
        var response = await table.GetEntityIfExistsAsync(Partition, RecordPrefix + id, null, cancellationToken);
        return response.HasValue ? FromEntity(response.Value!) : null;
    }

    /// <summary>
    /// Writes a new state if the record is still the version read (<see cref="TableConflictException"/> otherwise);
    /// <paramref name="nextCheck"/> null closes the delivery (removes it from the open index). Returns it with its new ETag.
    /// </summary>
    public async Task<DeliveryRecord> UpdateAsync(DeliveryRecord record, DateTimeOffset? nextCheck, CancellationToken cancellationToken)
    {
        var table = await _tables.GetAsync(TableNames.Deliveries, cancellationToken);
        var actions = new List<TableTransactionAction> { new(TableTransactionActionType.UpdateReplace, ToEntity(record), record.ETag) };
        if (nextCheck is { } check)
        {
            actions.Add(new(TableTransactionActionType.UpsertReplace, OpenRow(record.Id, check)));
        }

        try
        {
            var response = await table.SubmitTransactionAsync(actions, cancellationToken);
            var etag = response.Value.Count > 0 ? response.Value[0].Headers.ETag ?? default : default;
            if (nextCheck is null)
            {
                // Closed: out of the open index (a leftover row is harmless: the sweep removes it).
                await table.DeleteEntityAsync(Partition, OpenPrefix + record.Id, ETag.All, cancellationToken);
            }

            return record with { ETag = etag };
        }
        catch (TableTransactionFailedException ex) when (ex.Status is 404 or 409 or 412)
        {
            throw new TableConflictException($"Delivery {record.Id} changed since it was read.", ex);
        }
    }

    /// <summary>Removes a leftover open-index row.</summary>
    public async Task CloseAsync(string id, CancellationToken cancellationToken)
    {
        var table = await _tables.GetAsync(TableNames.Deliveries, cancellationToken);
        await table.DeleteEntityAsync(Partition, OpenPrefix + id, ETag.All, cancellationToken);
    }

    /// <summary>The ids of open deliveries the sweep should look at now.</summary>
    public async Task<IReadOnlyList<string>> ListDueAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        var table = await _tables.GetAsync(TableNames.Deliveries, cancellationToken);
        var result = new List<string>();
        var filter = TableFilter.Create($"PartitionKey eq {Partition} and RowKey ge {OpenPrefix} and RowKey lt {"o;"} and NextCheckTicks le {now.UtcTicks}");
        await foreach (var entity in table.QueryAsync(filter, 1000, ["RowKey"], cancellationToken))
        {
            result.Add(entity.RowKey[OpenPrefix.Length..]);
        }

        return result;
    }

    /// <summary>Deletes closed records last changed before <paramref name="before"/>.</summary>
    public async Task<int> PruneAsync(DateTimeOffset before, int maxRows, CancellationToken cancellationToken)
    {
        var table = await _tables.GetAsync(TableNames.Deliveries, cancellationToken);
        var deleted = 0;
        var filter = TableFilter.Create($"PartitionKey eq {Partition} and RowKey ge {RecordPrefix} and RowKey lt {"r;"} and UpdatedAtTicks lt {before.UtcTicks} and Final eq {true}");
        await foreach (var entity in table.QueryAsync(filter, 1000, ["PartitionKey", "RowKey"], cancellationToken))
        {
            await table.DeleteEntityAsync(entity.PartitionKey, entity.RowKey, ETag.All, cancellationToken);
            if (++deleted >= maxRows)
            {
                break;
            }
        }

        return deleted;
    }

    /// <summary>
    /// Reserves the next rate-limit slot of <paramref name="key"/> (generic cell rate algorithm, state stored with
    /// ETags so every dispatcher instance shares one budget). Returns when the message may be sent.
    /// </summary>
    public async Task<DateTimeOffset> ReserveSlotAsync(string key, RateLimit limit, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var table = await _tables.GetAsync(TableNames.Deliveries, cancellationToken);
        var rowKey = RatePrefix + NotificationIds.Hash(key, 24);
        for (var attempt = 0; ; attempt++)
        {
            var response = await table.GetEntityIfExistsAsync(Partition, rowKey, null, cancellationToken);
            DateTimeOffset? tat = response.HasValue && response.Value!.GetInt64("TatTicks") is { } ticks ? new DateTimeOffset(ticks, TimeSpan.Zero) : null;
            var (sendAt, newTat) = limit.Reserve(tat, now);
            var entity = new TableEntity(Partition, rowKey) { ["TatTicks"] = newTat.UtcTicks };
            try
            {
                if (response.HasValue)
                {
                    await table.UpdateEntityAsync(entity, response.Value!.ETag, TableUpdateMode.Replace, cancellationToken);
                }
                else
                {
                    await table.AddEntityAsync(entity, cancellationToken);
                }

                return sendAt;
            }
            catch (TableConflictException) when (attempt < 20)
            {
                // Another dispatcher took a slot meanwhile: take the next one.
            }
        }
    }

    private static TableEntity OpenRow(string id, DateTimeOffset nextCheck) =>
        new(Partition, OpenPrefix + id) { ["NextCheckTicks"] = nextCheck.UtcTicks };

    private static TableEntity ToEntity(DeliveryRecord record)
    {
        var entity = new TableEntity(Partition, RecordPrefix + record.Id)
        {
            ["Receiver"] = record.Notification.Receiver,
            ["Channel"] = record.Notification.Channel.Key(),
            ["State"] = record.State.ToString(),
            ["Final"] = record.IsFinal,
            ["Attempts"] = record.Attempts,
            ["DeadlineTicks"] = record.Deadline.UtcTicks,
            ["UpdatedAtTicks"] = record.UpdatedAt.UtcTicks,
        };
        Set(entity, "NextAttemptTicks", record.NextAttemptAt?.UtcTicks);
        Set(entity, "LeaseUntilTicks", record.LeaseUntil?.UtcTicks);
        Set(entity, "RateSlotTicks", record.RateSlot?.UtcTicks);
        Set(entity, "LastReason", record.LastReason);
        Set(entity, "LastStatus", record.LastStatus);
        Set(entity, "LastDetail", record.LastDetail);
        ChunkedText.Put(entity, "Notification", JsonSerializer.Serialize(record.Notification, VigilJson.Options));
        return entity;
    }

    private static DeliveryRecord? FromEntity(TableEntity entity)
    {
        var json = ChunkedText.Get(entity, "Notification");
        var notification = json is null ? null : JsonSerializer.Deserialize<Notification>(json, VigilJson.Options);
        if (notification is null)
        {
            return null;
        }

        return new DeliveryRecord
        {
            Notification = notification,
            State = Enum.TryParse<DeliveryState>(entity.GetString("State"), out var state) ? state : DeliveryState.Queued,
            Attempts = entity.GetInt32("Attempts") ?? 0,
            Deadline = Time(entity, "DeadlineTicks") ?? DateTimeOffset.MaxValue,
            NextAttemptAt = Time(entity, "NextAttemptTicks"),
            LeaseUntil = Time(entity, "LeaseUntilTicks"),
            RateSlot = Time(entity, "RateSlotTicks"),
            LastReason = entity.GetString("LastReason"),
            LastStatus = entity.GetInt32("LastStatus"),
            LastDetail = entity.GetString("LastDetail"),
            UpdatedAt = Time(entity, "UpdatedAtTicks") ?? DateTimeOffset.MinValue,
            ETag = entity.ETag,
        };
    }

    private static void Set(TableEntity entity, string key, object? value)
    {
        if (value is not null)
        {
            entity[key] = value;
        }
    }

    private static DateTimeOffset? Time(TableEntity entity, string key) =>
        entity.GetInt64(key) is { } ticks ? new DateTimeOffset(ticks, TimeSpan.Zero) : null;
}
