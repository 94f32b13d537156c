using System.Text.Json.Nodes;
using Vigil.Domain.Notifications.Notify;
using Vigil.Domain.Notifications.Receivers;

namespace Vigil.Domain.Notifications.Rendering;

/// <summary>
/// A PagerDuty Events API v2 event for a notification: <c>trigger</c> while any alert of the group fires,
/// <c>resolve</c> once all resolved, with <c>dedup_key</c> = a hash of receiver and group key (so every
/// notification of a group updates one incident, and a repeated delivery cannot open a second one).
/// </summary>
public static class PagerDutyEvent
{
    public const int MaxSummaryLength = 1024;

    public static JsonObject Render(Notification notification, string routingKey, PagerDutyIntegration? settings = null, string? externalUrl = null)
    {
        var dedupKey = NotificationIds.DedupKey(notification.Receiver, notification.GroupKey);
        if (notification.Status == NotificationStatus.Resolved)
        {
            return new JsonObject
            {
                ["routing_key"] = routingKey,
                ["event_action"] = "resolve",
                ["dedup_key"] = dedupKey,
            };
        }

        var firing = notification.Alerts.Where(a => a.IsFiring).ToList();
        var details = new JsonObject
        {
            ["firing"] = Describe(firing),
            ["resolved"] = Describe([.. notification.Alerts.Where(a => !a.IsFiring)]),
            ["num_firing"] = firing.Count,
            ["num_resolved"] = notification.ResolvedCount,
            ["group_labels"] = Map(notification.GroupLabels),
            ["common_labels"] = Map(notification.CommonLabels),
            ["common_annotations"] = Map(notification.CommonAnnotations),
            ["notification_id"] = notification.Id,
        };
        if (notification.TruncatedAlerts > 0)
        {
            details["truncated_alerts"] = notification.TruncatedAlerts;
        }

        var payload = new JsonObject
        {
            ["summary"] = NotificationText.Truncate(NotificationText.Title(notification) + (firing.Count == 1 ? ": " + NotificationText.Summary(firing[0]) : string.Empty), MaxSummaryLength),
            ["source"] = settings?.Source ?? Label(notification, "service") ?? Label(notification, "instance") ?? "vigil",
            ["severity"] = notification.Severity is "critical" or "error" or "warning" or "info" ? notification.Severity : "error",
            ["timestamp"] = NotificationText.Time(firing.Min(a => a.StartsAt)),
            ["custom_details"] = details,
        };
        if ((settings?.Component ?? Label(notification, "component")) is { } component)
        {
            payload["component"] = component;
        }

        if ((settings?.Group ?? Label(notification, "service")) is { } group)
        {
            payload["group"] = group;
        }

        if ((settings?.Class ?? Label(notification, "rule")) is { } @class)
        {
            payload["class"] = @class;
        }

        var links = new JsonArray();
        foreach (var runbook in firing.Select(NotificationText.Runbook).OfType<string>().Distinct(StringComparer.Ordinal).Take(5))
        {
            links.Add(new JsonObject { ["href"] = runbook, ["text"] = "Runbook" });
        }

        var result = new JsonObject
        {
            ["routing_key"] = routingKey,
            ["event_action"] = "trigger",
            ["dedup_key"] = dedupKey,
            ["payload"] = payload,
            ["client"] = "Vigil",
            ["links"] = links,
        };
        if (externalUrl is not null)
        {
            result["client_url"] = externalUrl;
            links.Add(new JsonObject { ["href"] = externalUrl, ["text"] = "Open Vigil" });
        }

        return result;
    }

    private static string? Label(Notification notification, string name) =>
        notification.CommonLabels.TryGetValue(name, out var value) && value.Length > 0 ? value : null;

    private static JsonArray Describe(IReadOnlyList<NotifiedAlert> alerts) =>
        new([.. alerts.Take(20).Select(a => (JsonNode?)new JsonObject
        {
            ["summary"] = NotificationText.Summary(a),
            ["labels"] = Map(a.Labels),
            ["starts_at"] = NotificationText.Time(a.StartsAt),
            ["fingerprint"] = a.Fingerprint,
        })]);

    private static JsonObject Map(IReadOnlyDictionary<string, string> map) =>
        new(map.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => KeyValuePair.Create(p.Key, (JsonNode?)JsonValue.Create(p.Value))));
}
