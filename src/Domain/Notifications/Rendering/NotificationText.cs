using System.Globalization;
using System.Text;
using Vigil.Domain.Notifications.Notify;

namespace Vigil.Domain.Notifications.Rendering;

/// <summary>Texts every channel shares: the title, an alert's summary, its runbook link, times.</summary>
public static class NotificationText
{
    private static readonly string[] SummaryKeys = ["summary", "description", "message"];
    private static readonly string[] RunbookKeys = ["runbook", "runbook_url", "runbookUrl"];

    /// <summary><c>[FIRING:2] HighErrorRate (service=api)</c> or <c>[RESOLVED] HighErrorRate (service=api)</c>.</summary>
    public static string Title(Notification notification)
    {
        var status = notification.Status == NotificationStatus.Firing
            ? $"[FIRING:{notification.FiringCount.ToString(CultureInfo.InvariantCulture)}]"
            : "[RESOLVED]";
        return $"{status} {Subject(notification)}";
    }

    /// <summary>The rule (or rules) and the group's other labels: <c>HighErrorRate (service=api)</c>.</summary>
    public static string Subject(Notification notification)
    {
        var rules = notification.Alerts.Select(a => a.Rule).Distinct(StringComparer.Ordinal).ToList();
        var rule = notification.CommonLabels.TryGetValue("rule", out var common) ? common
            : rules.Count <= 2 ? string.Join(", ", rules) : $"{rules[0]}, {rules[1]} and {rules.Count - 2} more";
        var labels = notification.GroupLabels.Where(l => l.Key is not "rule").Select(l => $"{l.Key}={l.Value}").ToList();
        return labels.Count == 0 ? rule : $"{rule} ({string.Join(", ", labels)})";
    }

    public static string SeverityUpper(Notification notification) => notification.Severity.ToUpperInvariant();

    /// <summary>The alert's summary annotation (or description), else its rule name.</summary>
    public static string Summary(NotifiedAlert alert)
    {
        foreach (var key in SummaryKeys)
        {
            if (alert.Annotations.TryGetValue(key, out var text) && !string.IsNullOrWhiteSpace(text))
            {
                return text;
            }
        }

        return alert.Rule;
    }

    public static string? Runbook(NotifiedAlert alert)
    {
        foreach (var key in RunbookKeys)
        {
            if (alert.Annotations.TryGetValue(key, out var url) && Uri.TryCreate(url, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https")
            {
                return url;
            }
        }

        return null;
    }

    /// <summary>The labels that tell alerts of a group apart (not rule or severity): <c>service=api, env=prod</c>.</summary>
    public static string DistinctLabels(NotifiedAlert alert, Notification notification) =>
        string.Join(", ", alert.Labels
            .Where(l => l.Key is not ("rule" or "severity") && !notification.GroupLabels.ContainsKey(l.Key))
            .OrderBy(l => l.Key, StringComparer.Ordinal)
            .Select(l => $"{l.Key}={l.Value}"));

    /// <summary>RFC 3339 in UTC with milliseconds, as Alertmanager writes times.</summary>
    public static string Time(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    /// <summary>Alertmanager's "zero time" for an alert that has not ended.</summary>
    public const string ZeroTime = "0001-01-01T00:00:00Z";

    public static string Truncate(string text, int max) => text.Length <= max ? text : text[..(max - 1)] + "…";

    /// <summary>HTML-escapes text for e-mail bodies.</summary>
    public static string Html(string text)
    {
        var builder = new StringBuilder(text.Length);
        foreach (var c in text)
        {
            builder.Append(c switch
            {
                '<' => "&lt;",
                '>' => "&gt;",
                '&' => "&amp;",
                '"' => "&quot;",
                '\'' => "&#39;",
                _ => c.ToString(),
            });
        }

        return builder.ToString();
    }
}
