using System.Text;
using Vigil.Domain.Notifications.Notify;

namespace Vigil.Domain.Notifications.Rendering;

/// <summary>The one-line rendering the <c>log</c> receiver writes: title, then each alert's severity, summary and labels.</summary>
public static class LogLine
{
    public const int MaxLength = 4000;

    public static string Render(Notification notification)
    {
        var text = new StringBuilder(NotificationText.Title(notification));
        text.Append(" severity=").Append(notification.Severity);
        foreach (var alert in notification.Alerts)
        {
            text.Append(" | ").Append(alert.Status.ToUpperInvariant()).Append(' ')
                .Append(NotificationText.Summary(alert).ReplaceLineEndings(" "));
            var labels = string.Join(",", alert.Labels.OrderBy(l => l.Key, StringComparer.Ordinal).Select(l => l.Key + "=" + l.Value));
            text.Append(" {").Append(labels).Append('}');
        }

        if (notification.TruncatedAlerts > 0)
        {
            text.Append(" | +").Append(notification.TruncatedAlerts).Append(" more");
        }

        return NotificationText.Truncate(text.ToString(), MaxLength);
    }
}
