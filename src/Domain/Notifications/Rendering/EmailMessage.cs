using System.Globalization;
using System.Text;
using Vigil.Domain.Notifications.Notify;

namespace Vigil.Domain.Notifications.Rendering;

/// <summary>An e-mail: subject <c>[SEVERITY] ...</c>, a plain-text part and an HTML part.</summary>
public sealed record EmailContent(string Subject, string Text, string Html)
{
    public static EmailContent Render(Notification notification, string? externalUrl = null)
    {
        var severity = NotificationText.SeverityUpper(notification);
        var subject = notification.Status == NotificationStatus.Firing
            ? string.Create(CultureInfo.InvariantCulture, $"[{severity}] FIRING:{notification.FiringCount} {NotificationText.Subject(notification)}")
            : $"[{severity}] RESOLVED {NotificationText.Subject(notification)}";
        subject = NotificationText.Truncate(subject.ReplaceLineEndings(" "), 250);

        var text = new StringBuilder();
        var html = new StringBuilder();
        var colour = SlackMessage.Colour(notification);
        html.Append("<!DOCTYPE html><html><body style=\"font-family:Arial,Helvetica,sans-serif;font-size:14px;color:#1d1c1d\">");
        html.Append(CultureInfo.InvariantCulture, $"<div style=\"border-left:6px solid {colour};padding:8px 12px;margin-bottom:12px\"><h2 style=\"margin:0 0 4px 0\">{NotificationText.Html(NotificationText.Title(notification))}</h2>");
        html.Append(CultureInfo.InvariantCulture, $"<div>Severity <b>{NotificationText.Html(severity)}</b> &middot; {notification.FiringCount} firing &middot; {notification.ResolvedCount} resolved</div></div>");
        text.AppendLine(NotificationText.Title(notification));
        text.AppendLine(CultureInfo.InvariantCulture, $"Severity {severity}, {notification.FiringCount} firing, {notification.ResolvedCount} resolved");
        text.AppendLine();

        foreach (var (title, alerts) in new[] { ("Firing", notification.Alerts.Where(a => a.IsFiring).ToList()), ("Resolved", notification.Alerts.Where(a => !a.IsFiring).ToList()) })
        {
            if (alerts.Count == 0)
            {
                continue;
            }

            text.AppendLine(CultureInfo.InvariantCulture, $"{title}:");
            html.Append(CultureInfo.InvariantCulture, $"<h3 style=\"margin:16px 0 6px 0\">{title}</h3>");
            foreach (var alert in alerts)
            {
                var summary = NotificationText.Summary(alert);
                var when = alert.IsFiring ? "since " + NotificationText.Time(alert.StartsAt) : "resolved " + NotificationText.Time(alert.EndsAt ?? alert.StartsAt);
                text.AppendLine(CultureInfo.InvariantCulture, $"- [{(alert.Severity ?? "info").ToUpperInvariant()}] {summary} ({when})");
                html.Append("<div style=\"margin:0 0 10px 0;padding:6px 10px;background:#f6f6f6\">");
                html.Append(CultureInfo.InvariantCulture, $"<b>[{NotificationText.Html((alert.Severity ?? "info").ToUpperInvariant())}] {NotificationText.Html(summary)}</b> <span style=\"color:#616061\">({NotificationText.Html(when)})</span>");
                html.Append("<table style=\"border-collapse:collapse;margin-top:4px;font-size:13px\">");
                foreach (var (key, value) in alert.Labels.OrderBy(l => l.Key, StringComparer.Ordinal))
                {
                    text.AppendLine(CultureInfo.InvariantCulture, $"    {key}: {value}");
                    html.Append(CultureInfo.InvariantCulture, $"<tr><td style=\"padding:1px 8px 1px 0;color:#616061\">{NotificationText.Html(key)}</td><td>{NotificationText.Html(value)}</td></tr>");
                }

                foreach (var (key, value) in alert.Annotations.Where(a => a.Key != "summary").OrderBy(a => a.Key, StringComparer.Ordinal))
                {
                    text.AppendLine(CultureInfo.InvariantCulture, $"    {key}: {value}");
                    var shown = Uri.TryCreate(value, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https"
                        ? $"<a href=\"{NotificationText.Html(value)}\">{NotificationText.Html(value)}</a>"
                        : NotificationText.Html(value);
                    html.Append(CultureInfo.InvariantCulture, $"<tr><td style=\"padding:1px 8px 1px 0;color:#616061\">{NotificationText.Html(key)}</td><td>{shown}</td></tr>");
                }

                html.Append("</table></div>");
            }

            text.AppendLine();
        }

        if (notification.TruncatedAlerts > 0)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"{notification.TruncatedAlerts} more alerts are not listed.");
            html.Append(CultureInfo.InvariantCulture, $"<p>{notification.TruncatedAlerts} more alerts are not listed.</p>");
        }

        if (externalUrl is not null)
        {
            text.AppendLine("Vigil: " + externalUrl);
            html.Append(CultureInfo.InvariantCulture, $"<p><a href=\"{NotificationText.Html(externalUrl)}\">Open Vigil</a></p>");
        }

        text.Append("Sent by Vigil (notification ").Append(notification.Id).AppendLine(").");
        html.Append(CultureInfo.InvariantCulture, $"<p style=\"color:#616061;font-size:12px\">Sent by Vigil (notification {notification.Id}).</p></body></html>");
        return new EmailContent(subject, text.ToString(), html.ToString());
    }
}
