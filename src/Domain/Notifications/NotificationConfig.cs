using Vigil.Domain.Labels;
using Vigil.Domain.Notifications.Inhibition;
using Vigil.Domain.Notifications.Receivers;
using Vigil.Domain.Notifications.Routing;
using Vigil.Domain.Notifications.TimeIntervals;

namespace Vigil.Domain.Notifications;

/// <summary>
/// The notification part of a configuration: receivers, the routing tree, inhibition rules and mute times. With no
/// route, alerts are kept and listed but nobody is notified.
/// </summary>
public sealed class NotificationConfig
{
    public static readonly NotificationConfig Empty = new([], null, null, [], []);

    public NotificationConfig(IReadOnlyList<ReceiverDefinition> receivers, RouteNode? route, string? fallbackReceiver, IReadOnlyList<InhibitRule> inhibitRules, IReadOnlyList<TimeInterval> muteTimes)
    {
        Receivers = receivers;
        Route = route;
        FallbackReceiver = fallbackReceiver;
        InhibitRules = inhibitRules;
        MuteTimes = muteTimes;
        ReceiversByName = receivers.ToDictionary(r => r.Name, StringComparer.Ordinal);
        MuteTimesByName = muteTimes.ToDictionary(m => m.Name, StringComparer.Ordinal);
        RoutesByKey = route is null ? new Dictionary<string, RouteNode>() : route.Descendants().ToDictionary(r => r.Key, StringComparer.Ordinal);
    }

    public IReadOnlyList<ReceiverDefinition> Receivers { get; }

    public IReadOnlyDictionary<string, ReceiverDefinition> ReceiversByName { get; }

    public RouteNode? Route { get; }

    public IReadOnlyDictionary<string, RouteNode> RoutesByKey { get; }

    /// <summary>The receiver of "delivery to X failing" meta-alerts (null: they are only logged, as errors).</summary>
    public string? FallbackReceiver { get; }

    public IReadOnlyList<InhibitRule> InhibitRules { get; }

    public IReadOnlyList<TimeInterval> MuteTimes { get; }

    public IReadOnlyDictionary<string, TimeInterval> MuteTimesByName { get; }

    /// <summary>Every (route, receiver) an alert with these labels goes to.</summary>
    public IReadOnlyList<(RouteNode Route, string Receiver)> Destinations(LabelSet labels) =>
        Route is null ? [] : [.. Route.Match(labels).SelectMany(r => r.Receivers.Select(receiver => (r, receiver))).Distinct()];

    /// <summary>
    /// Whether a route's notifications are held at <paramref name="now"/>: inside one of its mute times, or outside
    /// all of its active times. Returns the names of the intervals that hold it (empty: not held).
    /// </summary>
    public IReadOnlyList<string> HeldBy(RouteNode route, DateTimeOffset now)
    {
        var held = route.MuteTimes.Where(n => MuteTimesByName.TryGetValue(n, out var t) && t.Contains(now)).ToList();
        if (route.ActiveTimes.Count > 0 && !route.ActiveTimes.Any(n => MuteTimesByName.TryGetValue(n, out var t) && t.Contains(now)))
        {
            held.Add("outside " + string.Join(", ", route.ActiveTimes));
        }

        return held;
    }
}

/// <summary>What the notification sections produce while a document is read.</summary>
public sealed class NotificationConfigBuilder
{
    public List<ReceiverDefinition> Receivers { get; } = [];

    public RouteNode? Route { get; set; }

    public string? FallbackReceiver { get; set; }

    public List<InhibitRule> InhibitRules { get; } = [];

    public List<TimeInterval> MuteTimes { get; } = [];

    public NotificationConfig Build() => new(Receivers, Route, FallbackReceiver, InhibitRules, MuteTimes);
}
