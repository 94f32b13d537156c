using Vigil.Domain.Alerts.Events;
using Vigil.Domain.Labels;
using Vigil.Domain.Notifications;
using Vigil.Domain.Notifications.Grouping;
using Vigil.Domain.Notifications.Routing;
using Vigil.Functions.Alerts.Config;
using Vigil.Functions.Hosting;
using Vigil.Functions.Notifications.Grouping;
using Vigil.Functions.Notifications.Muting;
using Vigil.Storage.Tables;

namespace Vigil.Functions.Notifications.Routing;

/// <summary>
/// Routes one alert event (RouteAlerts): ignores duplicates and late events (by event id, time and sequence),
/// finds the (route, receiver) pairs the labels go to, puts the alert into each group (creating it with its
/// groupWait timer), keeps updating groups it was already in (so a resolve reaches every receiver that heard the
/// firing, even after a routing change), flushes a group at once when it is due (groupWait 0s), and records the
/// alert for inhibition and mute status. Every write is idempotent, so a redelivered event changes nothing.
/// </summary>
public sealed partial class AlertRouter
{
    private const int MaxConflictRetries = 10;

    private readonly ConfigProvider _config;
    private readonly RoutedAlertStore _alerts;
    private readonly GroupStore _groups;
    private readonly GroupFlusher _flusher;
    private readonly MuteContextFactory _mutes;
    private readonly TimeProvider _time;
    private readonly ILogger<AlertRouter> _logger;

    public AlertRouter(ConfigProvider config, RoutedAlertStore alerts, GroupStore groups, GroupFlusher flusher, MuteContextFactory mutes, TimeProvider time, ILogger<AlertRouter> logger)
    {
        _config = config;
        _alerts = alerts;
        _groups = groups;
        _flusher = flusher;
        _mutes = mutes;
        _time = time;
        _logger = logger;
    }

    public async Task RouteAsync(AlertEvent alertEvent, InvocationResult outputs, CancellationToken cancellationToken)
    {
        if (!GroupMember.IsNotified(alertEvent))
        {
            LogIgnored(_logger, alertEvent.EventId, alertEvent.Rule, alertEvent.State);
            return;
        }

        for (var attempt = 0; ; attempt++)
        {
            var now = _time.GetUtcNow();
            var config = (await _config.GetAsync(cancellationToken)).Config.Notifications;
            var known = await _alerts.GetAsync(alertEvent.Fingerprint, cancellationToken);
            if (known is not null && !GroupMember.IsNewer(alertEvent, known.EventId, known.EventAt, known.Sequence))
            {
                LogDuplicate(_logger, alertEvent.EventId, alertEvent.Rule, alertEvent.Fingerprint);
                return;
            }

            var labels = LabelSet.From(alertEvent.Labels);
            var targets = config.Destinations(labels)
                .Select(d => (Key: (GroupKey?)GroupKey.For(d.Route, d.Receiver, labels), Route: (RouteNode?)d.Route))
                .Select(t => (GroupId: t.Key!.Id, Key: (GroupKey?)t.Key, t.Route))
                .ToList();
            foreach (var groupId in known?.Groups ?? [])
            {
                if (!targets.Any(t => t.GroupId == groupId))
                {
                    targets.Add((groupId, null, null)); // no longer routed there: kept up to date, never re-joined
                }
            }

            MuteContext? mute = null;
            var memberships = new List<string>();
            foreach (var (groupId, key, route) in targets)
            {
                var (inGroup, used) = await UpdateGroupAsync(groupId, key, route, alertEvent, config, mute, now, outputs, cancellationToken);
                mute = used ?? mute;
                if (inGroup)
                {
                    memberships.Add(groupId);
                }
            }

            try
            {
                await _alerts.SaveAsync(alertEvent, memberships, known?.ETag ?? default, now, cancellationToken);
                LogRouted(_logger, alertEvent.EventId, alertEvent.Rule, alertEvent.State, memberships.Count);
                return;
            }
            catch (TableConflictException) when (attempt < MaxConflictRetries)
            {
                // Another router recorded an event of this alert meanwhile: look again (groups are already idempotent).
            }
        }
    }

    /// <summary>
    /// After a configuration change: puts every firing alert into the groups its labels now route to (its last
    /// event replayed; groups it is already in are unchanged), so a new or changed route hears about alerts that
    /// fired before it existed at its next flush. Returns how many alerts joined a group.
    /// </summary>
    public async Task<int> RerouteFiringAsync(InvocationResult outputs, CancellationToken cancellationToken)
    {
        var config = (await _config.GetAsync(cancellationToken)).Config.Notifications;
        var joined = 0;
        foreach (var alert in await _alerts.ListFiringAsync(cancellationToken))
        {
            if (alert.LastEvent is not { } lastEvent)
            {
                continue;
            }

            var now = _time.GetUtcNow();
            var labels = LabelSet.From(lastEvent.Labels);
            var memberships = new List<string>(alert.Groups);
            MuteContext? mute = null;
            foreach (var (route, receiver) in config.Destinations(labels))
            {
                var key = GroupKey.For(route, receiver, labels);
                if (memberships.Contains(key.Id))
                {
                    continue;
                }

                var (inGroup, used) = await UpdateGroupAsync(key.Id, key, route, lastEvent, config, mute, now, outputs, cancellationToken);
                mute = used ?? mute;
                if (inGroup)
                {
                    memberships.Add(key.Id);
                    joined++;
                }
            }

            if (memberships.Count != alert.Groups.Count)
            {
                try
                {
                    await _alerts.SaveAsync(lastEvent, memberships, alert.ETag, now, cancellationToken);
                }
                catch (TableConflictException)
                {
                    // A newer event was routed meanwhile: it recorded its own memberships.
                }
            }
        }

        if (joined > 0)
        {
            LogRerouted(_logger, joined);
        }

        return joined;
    }

    private async Task<(bool InGroup, MuteContext? Mute)> UpdateGroupAsync(
        string groupId, GroupKey? key, RouteNode? route, AlertEvent alertEvent, NotificationConfig config, MuteContext? mute, DateTimeOffset now, InvocationResult outputs, CancellationToken cancellationToken)
    {
        for (var attempt = 0; ; attempt++)
        {
            var snapshot = await _groups.ReadAsync(groupId, cancellationToken);
            var existing = snapshot.Members.FirstOrDefault(m => m.Member.Fingerprint == alertEvent.Fingerprint);
            if (existing is not null && !GroupMember.IsNewer(alertEvent, existing.Member.EventId, existing.Member.EventAt, existing.Member.Sequence))
            {
                return (true, mute); // applied before (a redelivered event)
            }

            var member = GroupMember.FromEvent(alertEvent);
            if (existing is null && (key is null || !member.IsFiring))
            {
                return (false, mute); // not a member, and a resolve of an alert this receiver never heard of
            }

            var write = new GroupWrite();
            GroupHeader header;
            if (snapshot.Header is { } stored)
            {
                header = route is null ? stored : stored with { Timing = route.Timing };
                write.HeaderExisted = true;
            }
            else if (key is not null && route is not null)
            {
                header = new GroupHeader(key, route.Timing, GroupFlushPlanner.FirstFlushAt(route.Timing, member.StartsAt, now), now, NotificationLogEntry.None, default);
            }
            else
            {
                return (false, mute);
            }

            var stored2 = new StoredMember(member, existing?.ETag ?? default);
            write.Header = header;
            write.Upserts.Add(stored2);
            FlushPlan? plan = null;
            if (header.NextFlushAt <= now)
            {
                mute ??= await _mutes.CreateAsync(config, now, cancellationToken);
                var members = snapshot.Members.Where(m => m.Member.Fingerprint != member.Fingerprint).Append(stored2).ToList();
                plan = GroupFlusher.Plan(header, members, config, mute, now);
                GroupFlusher.Apply(plan, header, members, write, snapshot.Outbox);
            }

            try
            {
                await _groups.CommitAsync(groupId, write, cancellationToken);
            }
            catch (GroupConflictException) when (attempt < MaxConflictRetries)
            {
                continue;
            }

            if (plan?.Notification is { } notification)
            {
                await _flusher.RelayAsync(groupId, notification, outputs, now, cancellationToken);
            }

            return (!(plan?.RemoveMembers.Contains(member.Fingerprint) ?? false), mute);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Routed alert event {EventId} ({Rule} {State}) into {Groups} groups")]
    private static partial void LogRouted(ILogger logger, string eventId, string rule, string state, int groups);

    [LoggerMessage(Level = LogLevel.Information, Message = "Configuration changed: {Alerts} firing alert memberships added to the groups of their new routes")]
    private static partial void LogRerouted(ILogger logger, int alerts);

    [LoggerMessage(Level = LogLevel.Information, Message = "Duplicate or late alert event {EventId} ({Rule}, {Fingerprint}) ignored")]
    private static partial void LogDuplicate(ILogger logger, string eventId, string rule, string fingerprint);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Alert event {EventId} ({Rule} {State}) is not notified")]
    private static partial void LogIgnored(ILogger logger, string eventId, string rule, string state);
}
