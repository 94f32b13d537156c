using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Vigil.Domain.Notifications.Receivers;

namespace Vigil.Domain.Notifications.Notify;

/// <summary>One alert as a receiver is told about it.</summary>
public sealed record NotifiedAlert
{
    public required string Fingerprint { get; init; }

    /// <summary>firing or resolved.</summary>
    public required string Status { get; init; }

    public required IReadOnlyDictionary<string, string> Labels { get; init; }

    public required IReadOnlyDictionary<string, string> Annotations { get; init; }

    public required DateTimeOffset StartsAt { get; init; }

    public DateTimeOffset? EndsAt { get; init; }

    public string? Severity { get; init; }

    public bool Flapping { get; init; }

    public bool IsFiring => Status == NotificationStatus.Firing;

    public string Rule => Labels.TryGetValue("rule", out var rule) ? rule : "alert";
}

public static class NotificationStatus
{
    public const string Firing = "firing";
    public const string Resolved = "resolved";
}

/// <summary>
/// What a receiver is sent for one flush of one group: the firing and resolved alerts, the labels they share and
/// the group's labels. <see cref="Id"/> is stable for the same content (see <see cref="NotificationIds"/>), so a
/// flush repeated after a crash yields the same notification, which the delivery record sends once.
/// </summary>
public sealed record Notification
{
    public required string Id { get; init; }

    public required string Receiver { get; init; }

    public required ChannelKind Channel { get; init; }

    /// <summary>The group's readable key (route, receiver, group labels).</summary>
    public required string GroupKey { get; init; }

    /// <summary>The group's id (a hash of <see cref="GroupKey"/>): the PagerDuty dedup key is derived from it.</summary>
    public required string GroupId { get; init; }

    public required IReadOnlyDictionary<string, string> GroupLabels { get; init; }

    public required IReadOnlyDictionary<string, string> CommonLabels { get; init; }

    public required IReadOnlyDictionary<string, string> CommonAnnotations { get; init; }

    /// <summary>Firing alerts first (most severe first), then resolved ones.</summary>
    public required IReadOnlyList<NotifiedAlert> Alerts { get; init; }

    /// <summary>Alerts left out to keep the message within limits (Alertmanager's truncatedAlerts).</summary>
    public int TruncatedAlerts { get; init; }

    public required DateTimeOffset CreatedAt { get; init; }

    /// <summary>A "delivery failing" meta-alert or a test notification, not an alert group.</summary>
    public string? Kind { get; init; }

    /// <summary>firing when any alert fires, else resolved.</summary>
    public string Status => Alerts.Any(a => a.IsFiring) ? NotificationStatus.Firing : NotificationStatus.Resolved;

    public int FiringCount => Alerts.Count(a => a.IsFiring);

    public int ResolvedCount => Alerts.Count(a => !a.IsFiring);

    /// <summary>The highest severity among firing alerts (among all, when everything resolved); info by default.</summary>
    public string Severity
    {
        get
        {
            var pool = Alerts.Where(a => a.IsFiring).ToList();
            if (pool.Count == 0)
            {
                pool = [.. Alerts];
            }

            return pool.Select(a => a.Severity).OrderByDescending(SeverityRank).FirstOrDefault() ?? "info";
        }
    }

    public static int SeverityRank(string? severity) => severity switch
    {
        "critical" => 4,
        "error" => 3,
        "warning" => 2,
        "info" => 1,
        _ => 0,
    };
}

/// <summary>Stable identifiers of notifications and of PagerDuty incidents.</summary>
public static class NotificationIds
{
    /// <summary>
    /// The id of a notification: a hash of the receiver, the group key, the firing set and the resolved set (each
    /// alert as fingerprint and start, so a new firing episode is a new notification) and the repeat number (0, or
    /// n for the n-th repeat of unchanged sets after repeatInterval).
    /// </summary>
    public static string For(string receiver, string groupKey, IEnumerable<string> firingKeys, IEnumerable<string> resolvedKeys, int repeat)
    {
        var text = new StringBuilder()
            .Append(receiver).Append('\n')
            .Append(groupKey).Append('\n')
            .AppendJoin(',', firingKeys.Order(StringComparer.Ordinal)).Append('\n')
            .AppendJoin(',', resolvedKeys.Order(StringComparer.Ordinal)).Append('\n')
            .Append(repeat.ToString(CultureInfo.InvariantCulture));
        return Hash(text.ToString(), 32);
    }

    /// <summary>PagerDuty's dedup key: a hash of the receiver and the group key, so every notification of a group is one incident (never a timestamp).</summary>
    public static string DedupKey(string receiver, string groupKey) => "vigil-" + Hash(receiver + "\n" + groupKey, 40);

    /// <summary>The id of a group (table partition key): a hash of its readable key.</summary>
    public static string GroupId(string groupKey) => Hash(groupKey, 32);

    public static string Hash(string text, int hexLength) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)))[..hexLength];
}
