using Vigil.Domain.Notifications;
using Vigil.Domain.Notifications.Grouping;
using Vigil.Domain.Notifications.Notify;
using Vigil.Domain.Notifications.Receivers;
using Vigil.Functions.Configuration;
using Vigil.Functions.Hosting;
using Vigil.Functions.Messaging;
using Vigil.Functions.Notifications.Delivery;
using Vigil.Functions.Notifications.Muting;

namespace Vigil.Functions.Notifications.Grouping;

/// <summary>
/// Flushes groups: decides with <see cref="GroupFlushPlanner"/>, commits the decision (header, notification log,
/// member clean-up and the notification as an outbox row) in one transaction, then relays the notification: creates
/// its delivery record and puts a message on its channel queue. A crash between the two leaves the outbox row,
/// which the sweep relays; the record's creation is idempotent (keyed by the notification id).
/// </summary>
public sealed partial class GroupFlusher
{
    /// <summary>A queued notification not picked up within this is enqueued again by the sweep (its message may be lost).</summary>
    public static readonly TimeSpan RequeueAfter = TimeSpan.FromSeconds(60);

    private const int MaxConflictRetries = 10;

    private readonly GroupStore _groups;
    private readonly DeliveryStore _deliveries;
    private readonly TimeSpan _deadline;
    private readonly ILogger<GroupFlusher> _logger;

    public GroupFlusher(GroupStore groups, DeliveryStore deliveries, SettingsReader settings, ILogger<GroupFlusher> logger)
    {
        _groups = groups;
        _deliveries = deliveries;
        _deadline = settings.GetDuration(AppSettings.NotifyDeliveryDeadline);
        _logger = logger;
    }

    /// <summary>Flushes the group if its next flush is due (the sweep's path). Returns whether a notification was decided.</summary>
    public async Task<bool> FlushIfDueAsync(string groupId, NotificationConfig config, MuteContext mute, DateTimeOffset now, InvocationResult outputs, CancellationToken cancellationToken)
    {
        for (var attempt = 0; ; attempt++)
        {
            var snapshot = await _groups.ReadAsync(groupId, cancellationToken);
            if (snapshot.Header is not { } header || header.NextFlushAt > now)
            {
                return false;
            }

            var write = new GroupWrite { Header = header, HeaderExisted = true };
            var plan = Plan(header, snapshot.Members, config, mute, now);
            Apply(plan, header, snapshot.Members, write, snapshot.Outbox);
            try
            {
                await _groups.CommitAsync(groupId, write, cancellationToken);
            }
            catch (GroupConflictException) when (attempt < MaxConflictRetries)
            {
                continue;
            }

            LogFlushed(_logger, header.Key.Text, plan.Reason, plan.Notification?.Id);
            if (plan.Notification is { } notification)
            {
                await RelayAsync(groupId, notification, outputs, now, cancellationToken);
            }

            return plan.Notification is not null;
        }
    }

    /// <summary>Decides one flush of a group.</summary>
    public static FlushPlan Plan(GroupHeader header, IReadOnlyList<StoredMember> members, NotificationConfig config, MuteContext mute, DateTimeOffset now)
    {
        config.ReceiversByName.TryGetValue(header.Key.Receiver, out var receiver);
        var route = config.RoutesByKey.GetValueOrDefault(header.Key.RouteKey);
        return GroupFlushPlanner.Plan(new FlushInput
        {
            Key = header.Key,
            Receiver = receiver,
            Timing = route?.Timing ?? header.Timing,
            Members = [.. members.Select(m => m.Member)],
            Log = header.Log,
            IsMuted = mute.Mutes,
            HeldBy = route is null ? [] : config.HeldBy(route, now),
            Now = now,
            MaxAlerts = receiver?.Integration is WebhookIntegration { MaxAlerts: > 0 } webhook ? webhook.MaxAlerts : GroupFlushPlanner.DefaultMaxAlerts,
        });
    }

    /// <summary>Adds a plan's writes to <paramref name="write"/> (which may already upsert a member).</summary>
    public static void Apply(FlushPlan plan, GroupHeader header, IReadOnlyList<StoredMember> members, GroupWrite write, IReadOnlyList<Notification> outbox)
    {
        if (plan.DeleteGroup)
        {
            write.DeleteHeader = true;
            write.Header = header;
        }
        else
        {
            write.Header = header with { NextFlushAt = plan.NextFlushAt, Log = plan.LogChanged ? plan.Log : header.Log };
        }

        foreach (var fingerprint in plan.RemoveMembers)
        {
            var upsert = write.Upserts.FindIndex(u => u.Member.Fingerprint == fingerprint);
            if (upsert >= 0)
            {
                var pending = write.Upserts[upsert];
                write.Upserts.RemoveAt(upsert);
                if (pending.ETag != default)
                {
                    write.Deletes.Add(pending);
                }
            }
            else if (members.FirstOrDefault(m => m.Member.Fingerprint == fingerprint) is { } stored && stored.ETag != default)
            {
                write.Deletes.Add(stored);
            }
        }

        if (plan.Notification is { } notification && !outbox.Any(o => o.Id == notification.Id))
        {
            write.Outbox = notification;
        }
    }

    /// <summary>Creates the delivery record (once) and enqueues the notification on its channel queue.</summary>
    public async Task RelayAsync(string groupId, Notification notification, InvocationResult outputs, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var record = new DeliveryRecord { Notification = notification, State = DeliveryState.Queued, Deadline = now + _deadline, UpdatedAt = now };
        if (await _deliveries.CreateAsync(record, now + RequeueAfter, cancellationToken))
        {
            outputs.AddMessage(NotificationOutputs.For(notification.Channel), new DeliveryMessage(notification.Id, notification.Channel.Key()));
            LogEnqueued(_logger, notification.Id, notification.Receiver, QueueNames.For(notification.Channel), notification.FiringCount, notification.ResolvedCount);
        }

        try
        {
            await _groups.DeleteOutboxAsync(groupId, notification.Id, cancellationToken);
        }
        catch (Azure.RequestFailedException)
        {
            // Left for the sweep: relaying again finds the record and only removes the row.
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Flushed group {GroupKey}: {Reason} -> {NotificationId}")]
    private static partial void LogFlushed(ILogger logger, string groupKey, string reason, string? notificationId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Notification {NotificationId} to {Receiver} enqueued on {Queue} ({Firing} firing, {Resolved} resolved)")]
    private static partial void LogEnqueued(ILogger logger, string notificationId, string receiver, string queue, int firing, int resolved);
}
