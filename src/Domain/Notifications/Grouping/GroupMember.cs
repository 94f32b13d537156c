using System.Globalization;
using System.Text.Json.Serialization;
using Vigil.Domain.Alerts.Events;
using Vigil.Domain.Labels;
using Vigil.Domain.Notifications.Routing;

namespace Vigil.Domain.Notifications.Grouping;

/// <summary>The identity of an aggregation group: the route, the receiver and the values of the route's groupBy labels.</summary>
public sealed record GroupKey(string RouteKey, string Receiver, LabelSet GroupLabels)
{
    /// <summary>Readable and stable: <c>{}/{severity="critical"}:oncall:{service="api"}</c>.</summary>
    public string Text => RouteKey + ":" + Receiver + ":" + GroupLabels;

    public string Id => Notify.NotificationIds.GroupId(Text);

    public static GroupKey For(RouteNode route, string receiver, LabelSet alertLabels) => new(route.Key, receiver, route.GroupBy.Apply(alertLabels));
}

/// <summary>
/// An alert as its group knows it: the last state its events announced (firing or resolved), with the event's
/// time, sequence and id so that a redelivered or late event never overwrites a newer one.
/// </summary>
public sealed record GroupMember
{
    public required string Fingerprint { get; init; }

    public required string Rule { get; init; }

    /// <summary>firing or resolved.</summary>
    public required string State { get; init; }

    public required IReadOnlyDictionary<string, string> Labels { get; init; }

    public required IReadOnlyDictionary<string, string> Annotations { get; init; }

    public string? Severity { get; init; }

    public required DateTimeOffset StartsAt { get; init; }

    public DateTimeOffset? EndsAt { get; init; }

    public bool Flapping { get; init; }

    public TimeSpan Cooldown { get; init; }

    public required string EventId { get; init; }

    public required DateTimeOffset EventAt { get; init; }

    public required long Sequence { get; init; }

    [JsonIgnore]
    public bool IsFiring => State == Notify.NotificationStatus.Firing;

    /// <summary>One firing episode of the alert: its fingerprint and start (a new episode is a new key).</summary>
    [JsonIgnore]
    public string AlertKey => KeyOf(Fingerprint, StartsAt);

    [JsonIgnore]
    public LabelSet LabelSet => LabelSet.From(Labels);

    public static string KeyOf(string fingerprint, DateTimeOffset startsAt) =>
        fingerprint + "@" + startsAt.UtcTicks.ToString(CultureInfo.InvariantCulture);

    /// <summary>Whether the event announces something receivers act on (firing or resolved).</summary>
    public static bool IsNotified(AlertEvent alertEvent) => alertEvent.State is Notify.NotificationStatus.Firing or Notify.NotificationStatus.Resolved;

    public static GroupMember FromEvent(AlertEvent alertEvent) => new()
    {
        Fingerprint = alertEvent.Fingerprint,
        Rule = alertEvent.Rule,
        State = alertEvent.State,
        Labels = alertEvent.Labels,
        Annotations = alertEvent.Annotations,
        Severity = alertEvent.Severity,
        StartsAt = alertEvent.StartsAt ?? alertEvent.At,
        EndsAt = alertEvent.State == Notify.NotificationStatus.Resolved ? alertEvent.EndsAt ?? alertEvent.At : null,
        Flapping = alertEvent.Flapping,
        Cooldown = TimeSpan.FromSeconds(Math.Max(0, alertEvent.CooldownSeconds)),
        EventId = alertEvent.EventId,
        EventAt = alertEvent.At,
        Sequence = alertEvent.Sequence,
    };

    /// <summary>
    /// Whether an event is news for a store that last applied (<paramref name="eventId"/>, <paramref name="at"/>,
    /// <paramref name="sequence"/>): not the same event (a redelivery) and not older (a late message).
    /// </summary>
    public static bool IsNewer(AlertEvent alertEvent, string? eventId, DateTimeOffset? at, long sequence)
    {
        if (eventId is null)
        {
            return true;
        }

        if (alertEvent.EventId == eventId)
        {
            return false;
        }

        return alertEvent.At > at || (alertEvent.At == at && alertEvent.Sequence > sequence);
    }
}
