using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Vigil.Domain.Notifications.Notify;

namespace Vigil.Domain.Notifications.Rendering;

/// <summary>
/// The webhook body, compatible with Alertmanager's (version 4): <c>version, groupKey, truncatedAlerts, status,
/// receiver, groupLabels, commonLabels, commonAnnotations, externalURL, alerts[]</c> with each alert's
/// <c>status, labels, annotations, startsAt, endsAt, generatorURL, fingerprint</c>. Signed with HMAC-SHA256 (see
/// <see cref="Sign"/>) when the receiver has a secret.
/// </summary>
public static class WebhookPayload
{
    public const string SignatureHeader = "X-Vigil-Signature";
    public const string TimestampHeader = "X-Vigil-Timestamp";
    public const string NotificationIdHeader = "X-Vigil-Notification-Id";

    public static JsonObject Render(Notification notification, string? externalUrl = null, int maxAlerts = 0)
    {
        var alerts = maxAlerts > 0 ? notification.Alerts.Take(maxAlerts).ToList() : [.. notification.Alerts];
        var truncated = notification.TruncatedAlerts + (notification.Alerts.Count - alerts.Count);
        return new JsonObject
        {
            ["version"] = "4",
            ["groupKey"] = notification.GroupKey,
            ["truncatedAlerts"] = truncated,
            ["status"] = notification.Status,
            ["receiver"] = notification.Receiver,
            ["groupLabels"] = Map(notification.GroupLabels),
            ["commonLabels"] = Map(notification.CommonLabels),
            ["commonAnnotations"] = Map(notification.CommonAnnotations),
            ["externalURL"] = externalUrl ?? string.Empty,
            ["notificationId"] = notification.Id,
            ["alerts"] = new JsonArray([.. alerts.Select(a => (JsonNode?)new JsonObject
            {
                ["status"] = a.Status,
                ["labels"] = Map(a.Labels),
                ["annotations"] = Map(a.Annotations),
                ["startsAt"] = NotificationText.Time(a.StartsAt),
                ["endsAt"] = a.EndsAt is { } end ? NotificationText.Time(end) : NotificationText.ZeroTime,
                ["generatorURL"] = externalUrl is null ? string.Empty : externalUrl.TrimEnd('/') + "/api/alerts?rule=" + Uri.EscapeDataString(a.Rule),
                ["fingerprint"] = a.Fingerprint,
            })]),
        };
    }

    /// <summary>
    /// The signature header value: <c>sha256=</c> + hex HMAC-SHA256 over <c>{timestamp}.{body}</c> with the shared
    /// secret, where timestamp is the Unix-seconds value sent in <see cref="TimestampHeader"/> (so a captured request
    /// cannot be replayed later with a new time).
    /// </summary>
    public static string Sign(string secret, long timestamp, string body)
    {
        var data = Encoding.UTF8.GetBytes(timestamp.ToString(CultureInfo.InvariantCulture) + "." + body);
        return "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), data));
    }

    private static JsonObject Map(IReadOnlyDictionary<string, string> map) =>
        new(map.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => KeyValuePair.Create(p.Key, (JsonNode?)JsonValue.Create(p.Value))));
}
