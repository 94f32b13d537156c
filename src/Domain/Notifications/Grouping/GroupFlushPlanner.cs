using Vigil.Domain.Labels;
using Vigil.Domain.Notifications.Notify;
using Vigil.Domain.Notifications.Receivers;
using Vigil.Domain.Notifications.Routing;

namespace Vigil.Domain.Notifications.Grouping;

/// <summary>Everything one flush of a group decides on.</summary>
public sealed record FlushInput
{
    public required GroupKey Key { get; init; }

    /// <summary>The receiver as configured now (null: removed from the configuration; the group is dropped).</summary>
    public required ReceiverDefinition? Receiver { get; init; }

    public required GroupTiming Timing { get; init; }

    public required IReadOnlyList<GroupMember> Members { get; init; }

    public required NotificationLogEntry Log { get; init; }

    /// <summary>Whether a firing alert is muted now (silenced or inhibited).</summary>
    public required Func<LabelSet, bool> IsMuted { get; init; }

    /// <summary>The mute times holding the route now (empty: not held).</summary>
    public IReadOnlyList<string> HeldBy { get; init; } = [];

    public required DateTimeOffset Now { get; init; }

    /// <summary>Most alerts listed in one message (the rest are counted as truncated).</summary>
    public int MaxAlerts { get; init; } = GroupFlushPlanner.DefaultMaxAlerts;
}

/// <summary>The outcome of a flush: maybe a notification, the new log, members to forget, the next flush time.</summary>
public sealed record FlushPlan(
    Notification? Notification,
    NotificationLogEntry Log,
    bool LogChanged,
    IReadOnlyList<string> RemoveMembers,
    DateTimeOffset NextFlushAt,
    bool DeleteGroup,
    string Reason);

/// <summary>
/// One flush of one aggregation group, with Alertmanager's semantics (dispatch + dedup stage) and Vigil's fixes
/// for its known pains:
/// <list type="bullet">
/// <item>A notification goes out when the group first has firing alerts, when a new alert fires, when alerts
/// resolve (all of them, or some while others still fire and the receiver wants resolves), or, with nothing new,
/// once <c>repeatInterval</c> has passed since the last one.</item>
/// <item>Silenced and inhibited alerts are left out while muted; when the mute ends and they still fire, they are
/// new to the receiver and go out at the next group interval.</item>
/// <item>A resolve is sent only for an alert whose firing the receiver heard, and then always, even if the alert
/// is muted by now: no missing resolves, no resolves of alerts nobody was told about.</item>
/// <item>A rule's <c>cooldown</c> holds changes of one alert until that long after the receiver was last told
/// about it (the alert is reported as last told meanwhile), and stretches the repeat interval to it.</item>
/// <item>While a mute time holds the route, nothing is sent; changes wait for the first flush after it.</item>
/// </list>
/// Pure: the caller stores the result with ETag concurrency, so a flush that loses a race is decided again.
/// </summary>
public static class GroupFlushPlanner
{
    public const int DefaultMaxAlerts = 100;

    /// <summary>When a new group is first flushed: after groupWait, or at once for an alert already firing longer than that.</summary>
    public static DateTimeOffset FirstFlushAt(GroupTiming timing, DateTimeOffset alertStartsAt, DateTimeOffset now) =>
        alertStartsAt + timing.GroupWait <= now ? now : now + timing.GroupWait;

    public static FlushPlan Plan(FlushInput input)
    {
        var now = input.Now;
        var next = now + input.Timing.GroupInterval;
        if (input.Receiver is null)
        {
            return new FlushPlan(null, input.Log, false, [.. input.Members.Select(m => m.Fingerprint)], next, true, "receiver no longer configured");
        }

        if (input.HeldBy.Count > 0)
        {
            return new FlushPlan(null, input.Log, false, [], next, false, "held by " + string.Join(", ", input.HeldBy));
        }

        var log = input.Log;
        var firing = new List<(GroupMember Member, string State)>();
        var resolved = new List<GroupMember>();
        var remove = new List<string>();
        foreach (var member in input.Members)
        {
            var told = log.Told(member.Fingerprint, member.AlertKey);
            var lastTold = log.Alerts.GetValueOrDefault(member.Fingerprint);
            if (member.IsFiring)
            {
                if (input.IsMuted(member.LabelSet))
                {
                    continue;
                }

                if (told?.State != NotificationStatus.Firing && lastTold is not null && lastTold.CoolingAt(now))
                {
                    continue; // a new episode within the cooldown: held until it ends
                }

                firing.Add((member, NotificationStatus.Firing));
            }
            else if (told is null)
            {
                remove.Add(member.Fingerprint); // the receiver never heard it fire: nothing to resolve
            }
            else if (told.State == NotificationStatus.Firing && told.CoolingAt(now))
            {
                firing.Add((member, NotificationStatus.Firing)); // reported as last told until the cooldown ends
            }
            else
            {
                resolved.Add(member);
            }
        }

        var firingKeys = firing.Select(f => f.Member.AlertKey).ToHashSet(StringComparer.Ordinal);
        var resolvedKeys = resolved.Select(r => r.AlertKey).ToHashSet(StringComparer.Ordinal);
        var sendResolved = input.Receiver.SendResolved;
        var repeat = firing.Select(f => f.Member.Cooldown).Append(input.Timing.RepeatInterval).Max();
        var (needed, reason) = NeedsUpdate(log, firingKeys, resolvedKeys, sendResolved, repeat, now);

        // Resolved alerts already told stay out of later flushes.
        var alreadyToldResolved = resolved.Where(r => log.Told(r.Fingerprint, r.AlertKey)?.State == NotificationStatus.Resolved).Select(r => r.Fingerprint);
        if (!needed)
        {
            remove.AddRange(alreadyToldResolved);
            return Finish(input, null, log, false, remove, next, reason);
        }

        var sameSets = firingKeys.SetEquals(log.Firing) && resolvedKeys.SetEquals(log.Resolved);
        var repeatNumber = sameSets && !log.IsEmpty ? log.Repeat + 1 : 0;
        var shown = firing.Select(f => ToAlert(f.Member, f.State))
            .Concat(sendResolved ? resolved.Select(r => ToAlert(r, NotificationStatus.Resolved)) : [])
            .ToList();
        Notification? notification = null;
        string? id = null;
        if (shown.Count > 0)
        {
            id = NotificationIds.For(input.Receiver.Name, input.Key.Text, firingKeys, resolvedKeys, repeatNumber);
            notification = Build(input, id, shown, now);
        }

        var told2 = new Dictionary<string, NotifiedAlertState>(log.Alerts, StringComparer.Ordinal);
        foreach (var (member, state) in firing)
        {
            Remember(told2, member, state, now);
        }

        foreach (var member in resolved)
        {
            Remember(told2, member, NotificationStatus.Resolved, now);
            remove.Add(member.Fingerprint);
        }

        var newLog = new NotificationLogEntry
        {
            Firing = [.. firingKeys.Order(StringComparer.Ordinal)],
            Resolved = [.. resolvedKeys.Order(StringComparer.Ordinal)],
            At = now,
            Repeat = repeatNumber,
            NotificationId = id ?? log.NotificationId,
            Alerts = told2,
        };
        return Finish(input, notification, newLog, true, remove, next, notification is null ? reason + " (nothing to show this receiver)" : reason);
    }

    /// <summary>Alertmanager's DedupStage.needsUpdate, with the repeat interval stretched by cooldowns.</summary>
    public static (bool Needed, string Reason) NeedsUpdate(NotificationLogEntry log, IReadOnlySet<string> firing, IReadOnlySet<string> resolved, bool sendResolved, TimeSpan repeatInterval, DateTimeOffset now)
    {
        if (log.IsEmpty)
        {
            return firing.Count > 0 ? (true, "first notification") : (false, "nothing firing");
        }

        if (!firing.IsSubsetOf(log.Firing))
        {
            return (true, "new firing alerts");
        }

        if (firing.Count == 0)
        {
            return log.Firing.Count > 0 ? (true, "all resolved") : (false, "nothing firing");
        }

        if (sendResolved && !resolved.IsSubsetOf(log.Resolved))
        {
            return (true, "alerts resolved");
        }

        return now - log.At!.Value >= repeatInterval ? (true, "repeat interval passed") : (false, "nothing new");
    }

    private static void Remember(Dictionary<string, NotifiedAlertState> told, GroupMember member, string state, DateTimeOffset now)
    {
        if (told.TryGetValue(member.Fingerprint, out var previous) && previous.AlertKey == member.AlertKey && previous.State == state)
        {
            return; // unchanged: the cooldown runs from when it was first told
        }

        told[member.Fingerprint] = new NotifiedAlertState(member.AlertKey, state, now, member.Cooldown);
    }

    private static FlushPlan Finish(FlushInput input, Notification? notification, NotificationLogEntry log, bool changed, List<string> remove, DateTimeOffset next, string reason)
    {
        var removed = remove.ToHashSet(StringComparer.Ordinal);
        var remaining = input.Members.Count(m => !removed.Contains(m.Fingerprint));

        // Forget what was told about alerts that left the group once their cooldown is over.
        var members = input.Members.Select(m => m.Fingerprint).Except(removed).ToHashSet(StringComparer.Ordinal);
        var pruned = log.Alerts.Where(a => members.Contains(a.Key) || a.Value.CoolingAt(input.Now)).ToDictionary(StringComparer.Ordinal);
        if (pruned.Count != log.Alerts.Count)
        {
            log = log with { Alerts = pruned };
            changed = true;
        }

        var delete = remaining == 0 && pruned.Count == 0;
        return new FlushPlan(notification, log, changed, [.. removed.Order(StringComparer.Ordinal)], next, delete, reason);
    }

    private static NotifiedAlert ToAlert(GroupMember member, string status) => new()
    {
        Fingerprint = member.Fingerprint,
        Status = status,
        Labels = member.Labels,
        Annotations = member.Annotations,
        StartsAt = member.StartsAt,
        EndsAt = status == NotificationStatus.Resolved ? member.EndsAt : null,
        Severity = member.Severity,
        Flapping = member.Flapping,
    };

    private static Notification Build(FlushInput input, string id, List<NotifiedAlert> shown, DateTimeOffset now)
    {
        var ordered = shown
            .OrderBy(a => a.IsFiring ? 0 : 1)
            .ThenByDescending(a => Notification.SeverityRank(a.Severity))
            .ThenBy(a => a.StartsAt)
            .ThenBy(a => a.Fingerprint, StringComparer.Ordinal)
            .ToList();
        var limit = input.MaxAlerts > 0 ? input.MaxAlerts : int.MaxValue;
        return new Notification
        {
            Id = id,
            Receiver = input.Receiver!.Name,
            Channel = input.Receiver.Kind,
            GroupKey = input.Key.Text,
            GroupId = input.Key.Id,
            GroupLabels = input.Key.GroupLabels.ToDictionary(),
            CommonLabels = Common(ordered.Select(a => a.Labels)),
            CommonAnnotations = Common(ordered.Select(a => a.Annotations)),
            Alerts = [.. ordered.Take(limit)],
            TruncatedAlerts = Math.Max(0, ordered.Count - limit),
            CreatedAt = now,
        };
    }

    /// <summary>The entries every map has with the same value.</summary>
    public static IReadOnlyDictionary<string, string> Common(IEnumerable<IReadOnlyDictionary<string, string>> maps)
    {
        Dictionary<string, string>? common = null;
        foreach (var map in maps)
        {
            if (common is null)
            {
                common = new Dictionary<string, string>(map, StringComparer.Ordinal);
                continue;
            }

            foreach (var key in common.Keys.ToList())
            {
                if (!map.TryGetValue(key, out var value) || value != common[key])
                {
                    common.Remove(key);
                }
            }
        }

        return common ?? new Dictionary<string, string>(StringComparer.Ordinal);
    }
}
