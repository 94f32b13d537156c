using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Vigil.Domain.Notifications.Notify;
using Vigil.Domain.Notifications.Receivers;

namespace Vigil.Domain.Notifications.Rendering;

/// <summary>
/// A Slack incoming-webhook message: Block Kit blocks inside a legacy attachment whose colour is the severity
/// (INFO green, WARNING orange, ERROR red, CRITICAL dark red; resolved messages green), with the title, the firing
/// and resolved counts, each alert's summary, labels and runbook link, and a plain-text fallback.
/// </summary>
public static class SlackMessage
{
    public const string Green = "#2EB67D";
    public const string Orange = "#FFA500";
    public const string Red = "#E01E1E";
    public const string DarkRed = "#8B0000";

    /// <summary>Alerts listed one by one (Slack allows 50 blocks; the rest are counted).</summary>
    public const int MaxListedAlerts = 15;

    public static string Colour(Notification notification) => notification.Status == NotificationStatus.Resolved
        ? Green
        : notification.Severity switch
        {
            "critical" => DarkRed,
            "error" => Red,
            "warning" => Orange,
            _ => Green,
        };

    public static JsonObject Render(Notification notification, SlackIntegration? settings = null, string? externalUrl = null)
    {
        var title = NotificationText.Title(notification);
        var firing = notification.Status == NotificationStatus.Firing;
        var icon = firing ? notification.Severity switch { "critical" => ":red_circle:", "error" => ":red_circle:", "warning" => ":large_orange_circle:", _ => ":large_green_circle:" } : ":white_check_mark:";
        var blocks = new JsonArray
        {
            new JsonObject
            {
                ["type"] = "header",
                ["text"] = new JsonObject { ["type"] = "plain_text", ["text"] = NotificationText.Truncate($"{(firing ? NotificationText.SeverityUpper(notification) + " " : string.Empty)}{title}", 150), ["emoji"] = true },
            },
            Section(string.Create(CultureInfo.InvariantCulture, $"{icon} *Severity:* {Escape(NotificationText.SeverityUpper(notification))}   *Firing:* {notification.FiringCount}   *Resolved:* {notification.ResolvedCount}")),
        };

        foreach (var alert in notification.Alerts.Take(MaxListedAlerts))
        {
            var text = new StringBuilder();
            text.Append(alert.IsFiring ? "*" : "~").Append(Escape(NotificationText.Truncate(NotificationText.Summary(alert), 500))).Append(alert.IsFiring ? "*" : "~");
            text.Append(alert.IsFiring ? string.Empty : "  _resolved_");
            if (alert.Flapping)
            {
                text.Append("  _flapping_");
            }

            var labels = NotificationText.DistinctLabels(alert, notification);
            if (labels.Length > 0)
            {
                text.Append('\n').Append('`').Append(Escape(NotificationText.Truncate(labels, 500))).Append('`');
            }

            if (alert.Annotations.TryGetValue("description", out var description) && description != NotificationText.Summary(alert))
            {
                text.Append('\n').Append(Escape(NotificationText.Truncate(description, 1000)));
            }

            text.Append('\n').Append(alert.IsFiring ? "Since " : "Resolved ").Append(NotificationText.Time(alert.IsFiring ? alert.StartsAt : alert.EndsAt ?? alert.StartsAt));
            if (NotificationText.Runbook(alert) is { } runbook)
            {
                text.Append("  <").Append(runbook).Append("|Runbook>");
            }

            blocks.Add(Section(NotificationText.Truncate(text.ToString(), 2900)));
        }

        var more = notification.Alerts.Count - Math.Min(notification.Alerts.Count, MaxListedAlerts) + notification.TruncatedAlerts;
        var context = new StringBuilder("Vigil");
        if (more > 0)
        {
            context.Append(CultureInfo.InvariantCulture, $" · {more} more alert{(more == 1 ? string.Empty : "s")} not listed");
        }

        if (externalUrl is not null)
        {
            context.Append(" · <").Append(externalUrl).Append("|Open Vigil>");
        }

        blocks.Add(new JsonObject
        {
            ["type"] = "context",
            ["elements"] = new JsonArray(new JsonObject { ["type"] = "mrkdwn", ["text"] = context.ToString() }),
        });

        var message = new JsonObject
        {
            ["text"] = title,
            ["attachments"] = new JsonArray(new JsonObject
            {
                ["color"] = Colour(notification),
                ["fallback"] = title,
                ["blocks"] = blocks,
            }),
        };
        if (settings?.Channel is { } channel)
        {
            message["channel"] = channel;
        }

        if (settings?.Username is { } username)
        {
            message["username"] = username;
        }

        if (settings?.IconEmoji is { } emoji)
        {
            message["icon_emoji"] = emoji;
        }

        return message;
    }

    /// <summary>Slack's mrkdwn escaping: &amp;, &lt; and &gt;.</summary>
    public static string Escape(string text) =>
        text.Replace("&", "&amp;", StringComparison.Ordinal).Replace("<", "&lt;", StringComparison.Ordinal).Replace(">", "&gt;", StringComparison.Ordinal);

    private static JsonObject Section(string mrkdwn) => new()
    {
        ["type"] = "section",
        ["text"] = new JsonObject { ["type"] = "mrkdwn", ["text"] = mrkdwn },
    };
}
