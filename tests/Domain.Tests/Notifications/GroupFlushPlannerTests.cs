using Vigil.Domain.Labels;
using Vigil.Domain.Notifications.Grouping;
using Vigil.Domain.Notifications.Notify;
using Vigil.Domain.Notifications.Receivers;
using Vigil.Domain.Notifications.Routing;

namespace Vigil.Domain.Tests.Notifications;

/// <summary>The group flush with Alertmanager's semantics and Vigil's fixes, on a fake clock.</summary>
public sealed class GroupFlushPlannerTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 21, 12, 0, 0, TimeSpan.Zero);
    private static readonly GroupTiming Timing = new(TimeSpan.FromSeconds(30), TimeSpan.FromMinutes(5), TimeSpan.FromHours(4));
    private static readonly ReceiverDefinition Slack = new("ops-slack", ChannelKind.Slack, new SlackIntegration(SettingValue.FromSetting("S"), null, null, null), true, null);
    private static readonly GroupKey Key = new("{}", "ops-slack", LabelSet.From(("rule", "R"), ("service", "api")));

    [Fact]
    public void Plan_FirstFiring_NotifiesWithStableId()
    {
        var a = Member("a", "firing");

        var first = Plan([a], NotificationLogEntry.None, T0);
        var again = Plan([a], NotificationLogEntry.None, T0.AddSeconds(3));

        Assert.NotNull(first.Notification);
        Assert.Equal("first notification", first.Reason);
        Assert.Equal(first.Notification!.Id, again.Notification!.Id);
        Assert.Equal(T0 + Timing.GroupInterval, first.NextFlushAt);
    }

    [Fact]
    public void Plan_NothingNew_WaitsForTheRepeatInterval()
    {
        var a = Member("a", "firing");
        var log = Plan([a], NotificationLogEntry.None, T0).Log;

        var quiet = Plan([a], log, T0.AddMinutes(5));
        var repeat = Plan([a], log, T0.AddHours(4));

        Assert.Null(quiet.Notification);
        Assert.NotNull(repeat.Notification);
        Assert.Equal("repeat interval passed", repeat.Reason);
        Assert.NotEqual(Plan([a], NotificationLogEntry.None, T0).Notification!.Id, repeat.Notification!.Id);
    }

    [Fact]
    public void Plan_NewAlertJoins_NotifiesBoth()
    {
        var log = Plan([Member("a", "firing")], NotificationLogEntry.None, T0).Log;

        var plan = Plan([Member("a", "firing"), Member("b", "firing")], log, T0.AddMinutes(5));

        Assert.Equal(2, plan.Notification!.FiringCount);
        Assert.Equal("new firing alerts", plan.Reason);
    }

    [Fact]
    public void Plan_AllResolved_SendsTheResolveAndDeletesTheGroup()
    {
        var log = Plan([Member("a", "firing")], NotificationLogEntry.None, T0).Log;

        var plan = Plan([Member("a", "resolved")], log, T0.AddMinutes(5));

        Assert.Equal(NotificationStatus.Resolved, plan.Notification!.Status);
        Assert.Equal(["a"], plan.RemoveMembers);
        Assert.True(plan.DeleteGroup);
    }

    [Fact]
    public void Plan_ResolvedBeforeAnyoneHeardIt_IsDroppedSilently()
    {
        var plan = Plan([Member("a", "resolved")], NotificationLogEntry.None, T0);

        Assert.Null(plan.Notification);
        Assert.Equal(["a"], plan.RemoveMembers);
    }

    [Fact]
    public void Plan_SilencedFiringAlert_IsLeftOutButItsResolveIsStillSent()
    {
        var a = Member("a", "firing");
        Assert.Null(Plan([a], NotificationLogEntry.None, T0, muted: _ => true).Notification);

        var log = Plan([a], NotificationLogEntry.None, T0).Log;
        var resolve = Plan([Member("a", "resolved")], log, T0.AddMinutes(5), muted: _ => true);

        Assert.Equal(NotificationStatus.Resolved, resolve.Notification!.Status);
    }

    [Fact]
    public void Plan_SilenceEndsWhileFiring_TheAlertIsNewToTheReceiver()
    {
        var a = Member("a", "firing");
        var muted = Plan([a], NotificationLogEntry.None, T0, muted: _ => true);

        var after = Plan([a], muted.Log, T0.AddMinutes(5));

        Assert.NotNull(after.Notification);
    }

    [Fact]
    public void Plan_HeldByAMuteTime_SendsNothingAndKeepsTheTimer()
    {
        var plan = Plan([Member("a", "firing")], NotificationLogEntry.None, T0, heldBy: ["weekend"]);

        Assert.Null(plan.Notification);
        Assert.False(plan.LogChanged);
        Assert.Equal(T0 + Timing.GroupInterval, plan.NextFlushAt);
    }

    [Fact]
    public void Plan_ChangeWithinCooldown_IsHeldUntilTheCooldownEnds()
    {
        var firing = Member("a", "firing", cooldown: TimeSpan.FromMinutes(10));
        var log = Plan([firing], NotificationLogEntry.None, T0).Log;
        var resolved = firing with { State = NotificationStatus.Resolved, EndsAt = T0.AddMinutes(1) };

        var during = Plan([resolved], log, T0.AddMinutes(5));
        var after = Plan([resolved], log, T0.AddMinutes(10));

        Assert.Null(during.Notification);
        Assert.Empty(during.RemoveMembers);
        Assert.Equal(NotificationStatus.Resolved, after.Notification!.Status);
    }

    [Fact]
    public void Plan_ReceiverRemoved_DropsTheGroup()
    {
        var plan = GroupFlushPlanner.Plan(Input([Member("a", "firing")], NotificationLogEntry.None, T0) with { Receiver = null });

        Assert.Null(plan.Notification);
        Assert.True(plan.DeleteGroup);
    }

    [Fact]
    public void Plan_ManyAlerts_TruncatesTheMessageNotTheSets()
    {
        var members = Enumerable.Range(0, 5).Select(i => Member("f" + i, "firing")).ToList();

        var plan = GroupFlushPlanner.Plan(Input(members, NotificationLogEntry.None, T0) with { MaxAlerts = 2 });

        Assert.Equal(2, plan.Notification!.Alerts.Count);
        Assert.Equal(3, plan.Notification.TruncatedAlerts);
        Assert.Equal(5, plan.Log.Firing.Count);
    }

    [Fact]
    public void FirstFlushAt_AlertFiringLongerThanGroupWait_IsAtOnce()
    {
        Assert.Equal(T0 + Timing.GroupWait, GroupFlushPlanner.FirstFlushAt(Timing, T0, T0));
        Assert.Equal(T0, GroupFlushPlanner.FirstFlushAt(Timing, T0.AddMinutes(-1), T0));
    }

    [Fact]
    public void NotificationIds_NewEpisode_IsANewNotification()
    {
        var first = NotificationIds.For("r", "g", [GroupMember.KeyOf("a", T0)], [], 0);
        var second = NotificationIds.For("r", "g", [GroupMember.KeyOf("a", T0.AddHours(1))], [], 0);

        Assert.NotEqual(first, second);
        Assert.Equal(NotificationIds.DedupKey("r", "g"), NotificationIds.DedupKey("r", "g"));
    }

    private static FlushPlan Plan(IReadOnlyList<GroupMember> members, NotificationLogEntry log, DateTimeOffset now, Func<LabelSet, bool>? muted = null, IReadOnlyList<string>? heldBy = null) =>
        GroupFlushPlanner.Plan(Input(members, log, now, muted, heldBy));

    private static FlushInput Input(IReadOnlyList<GroupMember> members, NotificationLogEntry log, DateTimeOffset now, Func<LabelSet, bool>? muted = null, IReadOnlyList<string>? heldBy = null) => new()
    {
        Key = Key,
        Receiver = Slack,
        Timing = Timing,
        Members = members,
        Log = log,
        IsMuted = muted ?? (_ => false),
        HeldBy = heldBy ?? [],
        Now = now,
    };

    private static GroupMember Member(string fingerprint, string state, TimeSpan? cooldown = null) => new()
    {
        Fingerprint = fingerprint,
        Rule = "R",
        State = state,
        Labels = new Dictionary<string, string> { ["rule"] = "R", ["service"] = "api", ["instance"] = fingerprint, ["severity"] = "critical" },
        Annotations = new Dictionary<string, string> { ["summary"] = "R on " + fingerprint },
        Severity = "critical",
        StartsAt = T0.AddMinutes(-1),
        EndsAt = state == "resolved" ? T0 : null,
        Cooldown = cooldown ?? TimeSpan.Zero,
        EventId = fingerprint + state,
        EventAt = T0,
        Sequence = state == "firing" ? 1 : 2,
    };
}
