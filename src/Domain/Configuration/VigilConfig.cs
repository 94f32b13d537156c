using Vigil.Domain.Notifications;
using Vigil.Domain.Probes;
using Vigil.Domain.Rules;

namespace Vigil.Domain.Configuration;

/// <summary>A valid configuration document, read and checked as a whole (see <see cref="ConfigReader"/>).</summary>
public sealed class VigilConfig
{
    public static readonly VigilConfig Empty = new([], [], [], []);

    public VigilConfig(IReadOnlyList<AlertRule> rules, IReadOnlyList<ProbeDefinition> probes, IReadOnlyList<HeartbeatDefinition> heartbeats, IReadOnlyList<ConfigObject> objects)
    {
        Rules = rules;
        Probes = probes;
        Heartbeats = heartbeats;
        Objects = objects;
        RulesByName = rules.ToDictionary(r => r.Name, StringComparer.Ordinal);
    }

    public IReadOnlyList<AlertRule> Rules { get; }

    public IReadOnlyDictionary<string, AlertRule> RulesByName { get; }

    public IReadOnlyList<ProbeDefinition> Probes { get; }

    public IReadOnlyList<HeartbeatDefinition> Heartbeats { get; }

    /// <summary>Receivers, the routing tree, inhibition rules and mute times (empty: nothing is notified).</summary>
    public NotificationConfig Notifications { get; init; } = NotificationConfig.Empty;

    /// <summary>Every named object in canonical form, for plans.</summary>
    public IReadOnlyList<ConfigObject> Objects { get; }

    /// <summary>The same configuration with each rule's <see cref="AlertRule.WatchingSince"/> set from <paramref name="since"/> (by rule name).</summary>
    public VigilConfig WithRulesWatchingSince(Func<string, DateTimeOffset?> since)
    {
        ArgumentNullException.ThrowIfNull(since);
        return new VigilConfig([.. Rules.Select(r => r with { WatchingSince = since(r.Name) })], Probes, Heartbeats, Objects) { Notifications = Notifications };
    }

    /// <summary>The rules that read <paramref name="metric"/> (what new data for it must re-evaluate).</summary>
    public IEnumerable<AlertRule> RulesReading(string metric) => Rules.Where(r => r.Condition.Metrics.Contains(metric, StringComparer.Ordinal));
}
