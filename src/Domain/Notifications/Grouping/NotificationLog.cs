using System.Text.Json.Serialization;

namespace Vigil.Domain.Notifications.Grouping;

/// <summary>What a receiver was last told about one alert of a group (for cooldowns and "it heard the firing").</summary>
public sealed record NotifiedAlertState(string AlertKey, string State, DateTimeOffset At, TimeSpan Cooldown)
{
    /// <summary>Whether a change of this alert must still wait (its rule's cooldown since it was last told).</summary>
    public bool CoolingAt(DateTimeOffset now) => Cooldown > TimeSpan.Zero && now < At + Cooldown;
}

/// <summary>
/// The notification log of one group (Alertmanager's nflog entry): the firing and resolved sets of the last
/// notification, when it was sent, how often those same sets were repeated, and per alert what was last said.
/// </summary>
public sealed record NotificationLogEntry
{
    public static readonly NotificationLogEntry None = new();

    public IReadOnlyList<string> Firing { get; init; } = [];

    public IReadOnlyList<string> Resolved { get; init; } = [];

    /// <summary>When the sets were last recorded (null: never).</summary>
    public DateTimeOffset? At { get; init; }

    public int Repeat { get; init; }

    public string? NotificationId { get; init; }

    /// <summary>Per fingerprint, the last state a receiver was told and when.</summary>
    public IReadOnlyDictionary<string, NotifiedAlertState> Alerts { get; init; } = new Dictionary<string, NotifiedAlertState>(StringComparer.Ordinal);

    [JsonIgnore]
    public bool IsEmpty => At is null;

    /// <summary>What the receiver was told about this firing episode (null: nothing).</summary>
    public NotifiedAlertState? Told(string fingerprint, string alertKey) =>
        Alerts.TryGetValue(fingerprint, out var state) && state.AlertKey == alertKey ? state : null;
}
