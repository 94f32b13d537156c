using System.Text.Json;
using Azure;
using Vigil.Domain.Labels;
using Vigil.Domain.Notifications.Grouping;
using Vigil.Domain.Notifications.Notify;
using Vigil.Domain.Notifications.Routing;
using Vigil.Functions.Hosting;
using Vigil.Functions.Storage;
using Vigil.Storage.Tables;

namespace Vigil.Functions.Notifications.Grouping;

/// <summary>A group's header row: its identity, timers and notification log.</summary>
public sealed record GroupHeader(GroupKey Key, GroupTiming Timing, DateTimeOffset NextFlushAt, DateTimeOffset CreatedAt, NotificationLogEntry Log, ETag ETag);

/// <summary>A member row with the ETag it was read with.</summary>
public sealed record StoredMember(GroupMember Member, ETag ETag);

/// <summary>Everything stored about one group: read with one partition query.</summary>
public sealed record GroupSnapshot(string GroupId, GroupHeader? Header, IReadOnlyList<StoredMember> Members, IReadOnlyList<Notification> Outbox);

/// <summary>The writes of one step on a group, committed as one entity group transaction (all or nothing).</summary>
public sealed class GroupWrite
{
    public GroupHeader? Header { get; set; }

    public bool HeaderExisted { get; set; }

    public bool DeleteHeader { get; set; }

    public List<StoredMember> Upserts { get; } = [];

    public List<StoredMember> Deletes { get; } = [];

    public Notification? Outbox { get; set; }
}

/// <summary>
/// Aggregation groups in Table Storage, one partition per group (PartitionKey = group id): the header
/// (<c>group</c>: key, timers, notification log), one row per member (<c>a:fingerprint</c>) and the outbox
/// (<c>n:notification id</c>: a notification decided by a flush whose delivery record may not exist yet). A flush
/// commits the header, the outbox row and the member changes in one transaction with the ETags it read, so two
/// routers or a router and the sweep racing on a group decide again instead of both sending.
/// </summary>
public sealed class GroupStore
{
    public const string HeaderRow = "group";
    public const string MemberPrefix = "a:";
    public const string OutboxPrefix = "n:";

    /// <summary>Table Storage's limit of actions in one entity group transaction.</summary>
    private const int MaxTransactionActions = 100;

    private readonly VigilTables _tables;

    public GroupStore(VigilTables tables) => _tables = tables;

    public async Task<GroupSnapshot> ReadAsync(string groupId, CancellationToken cancellationToken)
    {
        var table = await _tables.GetAsync(TableNames.NotifyGroups, cancellationToken);
        GroupHeader? header = null;
        var members = new List<StoredMember>();
        var outbox = new List<Notification>();
        await foreach (var entity in table.QueryAsync(TableFilter.Create($"PartitionKey eq {groupId}"), 1000, null, cancellationToken))
        {
            if (entity.RowKey == HeaderRow)
            {
                header = ReadHeader(entity);
            }
            else if (entity.RowKey.StartsWith(MemberPrefix, StringComparison.Ordinal))
            {
                var member = JsonSerializer.Deserialize<GroupMember>(entity.GetString("Member") ?? "null", VigilJson.Options);
                if (member is not null)
                {
                    members.Add(new StoredMember(member, entity.ETag));
                }
            }
            else if (entity.RowKey.StartsWith(OutboxPrefix, StringComparison.Ordinal) && ReadNotification(entity) is { } notification)
            {
                outbox.Add(notification);
            }
        }

        return new GroupSnapshot(groupId, header, members, outbox);
    }

    /// <summary>Commits <paramref name="write"/>; throws <see cref="GroupConflictException"/> when something changed since it was read.</summary>
    public async Task CommitAsync(string groupId, GroupWrite write, CancellationToken cancellationToken)
    {
        var actions = new List<TableTransactionAction>();
        if (write.DeleteHeader)
        {
            if (write.HeaderExisted)
            {
                actions.Add(new TableTransactionAction(TableTransactionActionType.Delete, new TableEntity(groupId, HeaderRow), write.Header!.ETag));
            }
        }
        else if (write.Header is { } header)
        {
            var entity = WriteHeader(groupId, header);
            actions.Add(write.HeaderExisted
                ? new TableTransactionAction(TableTransactionActionType.UpdateReplace, entity, header.ETag)
                : new TableTransactionAction(TableTransactionActionType.Add, entity));
        }

        if (write.Outbox is { } outbox)
        {
            var entity = new TableEntity(groupId, OutboxPrefix + outbox.Id);
            ChunkedText.Put(entity, "Notification", JsonSerializer.Serialize(outbox, VigilJson.Options));
            actions.Add(new TableTransactionAction(TableTransactionActionType.Add, entity));
        }

        foreach (var (member, etag) in write.Upserts)
        {
            var entity = new TableEntity(groupId, MemberPrefix + member.Fingerprint) { ["Member"] = JsonSerializer.Serialize(member, VigilJson.Options) };
            actions.Add(etag == default
                ? new TableTransactionAction(TableTransactionActionType.Add, entity)
                : new TableTransactionAction(TableTransactionActionType.UpdateReplace, entity, etag));
        }

        // Member deletes that do not fit are left for the next flush (they are idempotent clean-up).
        foreach (var (member, etag) in write.Deletes.Take(MaxTransactionActions - actions.Count))
        {
            actions.Add(new TableTransactionAction(TableTransactionActionType.Delete, new TableEntity(groupId, MemberPrefix + member.Fingerprint), etag));
        }

        if (actions.Count == 0)
        {
            return;
        }

        var table = await _tables.GetAsync(TableNames.NotifyGroups, cancellationToken);
        try
        {
            await table.SubmitTransactionAsync(actions, cancellationToken);
        }
        catch (TableTransactionFailedException ex) when (ex.Status is 404 or 409 or 412)
        {
            throw new GroupConflictException($"Group {groupId} changed while it was being updated.", ex);
        }
    }

    /// <summary>The ids of groups whose next flush is due.</summary>
    public async Task<IReadOnlyList<string>> ListDueAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        var table = await _tables.GetAsync(TableNames.NotifyGroups, cancellationToken);
        var result = new List<string>();
        await foreach (var entity in table.QueryAsync(TableFilter.Create($"RowKey eq {HeaderRow} and NextFlushTicks le {now.UtcTicks}"), 1000, ["PartitionKey"], cancellationToken))
        {
            result.Add(entity.PartitionKey);
        }

        return result;
    }

    /// <summary>Outbox rows (notifications whose delivery record may not exist yet).</summary>
    public async Task<IReadOnlyList<(string GroupId, Notification Notification)>> ListOutboxAsync(CancellationToken cancellationToken)
    {
        var table = await _tables.GetAsync(TableNames.NotifyGroups, cancellationToken);
        var result = new List<(string, Notification)>();
        await foreach (var entity in table.QueryAsync(TableFilter.Create($"RowKey ge {OutboxPrefix} and RowKey lt {"n;"}"), 1000, null, cancellationToken))
        {
            if (ReadNotification(entity) is { } notification)
            {
                result.Add((entity.PartitionKey, notification));
            }
        }

        return result;
    }

    public async Task DeleteOutboxAsync(string groupId, string notificationId, CancellationToken cancellationToken)
    {
        var table = await _tables.GetAsync(TableNames.NotifyGroups, cancellationToken);
        await table.DeleteEntityAsync(groupId, OutboxPrefix + notificationId, ETag.All, cancellationToken);
    }

    private static Notification? ReadNotification(TableEntity entity) =>
        ChunkedText.Get(entity, "Notification") is { } json ? JsonSerializer.Deserialize<Notification>(json, VigilJson.Options) : null;

    private static TableEntity WriteHeader(string groupId, GroupHeader header)
    {
        var entity = new TableEntity(groupId, HeaderRow)
        {
            ["RouteKey"] = header.Key.RouteKey,
            ["Receiver"] = header.Key.Receiver,
            ["GroupKey"] = header.Key.Text,
            ["GroupLabels"] = JsonSerializer.Serialize(header.Key.GroupLabels.ToDictionary(), VigilJson.Options),
            ["GroupWaitTicks"] = header.Timing.GroupWait.Ticks,
            ["GroupIntervalTicks"] = header.Timing.GroupInterval.Ticks,
            ["RepeatIntervalTicks"] = header.Timing.RepeatInterval.Ticks,
            ["NextFlushTicks"] = header.NextFlushAt.UtcTicks,
            ["CreatedAtTicks"] = header.CreatedAt.UtcTicks,
        };
        ChunkedText.Put(entity, "Log", JsonSerializer.Serialize(header.Log, VigilJson.Options));
        return entity;
    }

    private static GroupHeader ReadHeader(TableEntity entity)
    {
        var labels = JsonSerializer.Deserialize<Dictionary<string, string>>(entity.GetString("GroupLabels") ?? "{}", VigilJson.Options) ?? [];
        var key = new GroupKey(entity.GetString("RouteKey") ?? string.Empty, entity.GetString("Receiver") ?? string.Empty, LabelSet.From(labels));
        var timing = new GroupTiming(
            TimeSpan.FromTicks(entity.GetInt64("GroupWaitTicks") ?? 0),
            TimeSpan.FromTicks(entity.GetInt64("GroupIntervalTicks") ?? GroupTiming.Default.GroupInterval.Ticks),
            TimeSpan.FromTicks(entity.GetInt64("RepeatIntervalTicks") ?? GroupTiming.Default.RepeatInterval.Ticks));
        var log = ChunkedText.Get(entity, "Log") is { } json ? JsonSerializer.Deserialize<NotificationLogEntry>(json, VigilJson.Options) ?? NotificationLogEntry.None : NotificationLogEntry.None;
        return new GroupHeader(
            key,
            timing,
            new DateTimeOffset(entity.GetInt64("NextFlushTicks") ?? 0, TimeSpan.Zero),
            new DateTimeOffset(entity.GetInt64("CreatedAtTicks") ?? 0, TimeSpan.Zero),
            log,
            entity.ETag);
    }
}

/// <summary>A group changed between read and write (the caller reads again and decides again).</summary>
public sealed class GroupConflictException : Exception
{
    public GroupConflictException()
    {
    }

    public GroupConflictException(string message)
        : base(message)
    {
    }

    public GroupConflictException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
