using Vigil.Domain.Labels;
using Vigil.Domain.Rules.Conditions;
using Vigil.Domain.Rules.Templates;

namespace Vigil.Domain.Rules;

/// <summary>What the engine does when a rule has no data for an instance (Grafana's "no data" handling).</summary>
public enum NoDataPolicy
{
    /// <summary>No data counts as OK: a pending alert goes back to inactive, a firing one resolves (after keepFiringFor).</summary>
    Ok,

    /// <summary>No data counts as breaching at the rule's highest severity.</summary>
    Alerting,

    /// <summary>No data repeats the last verdict that had data (so a pending alert still fires after <c>for</c>).</summary>
    KeepLast,
}

/// <summary>
/// When an instance changes between firing and not firing more than <see cref="MaxChanges"/> times within
/// <see cref="Window"/>, it is flapping: notified once as such, and quiet until it has held one state for
/// <see cref="StableFor"/> (half the window), when its settled state is notified. <c>MaxChanges = 0</c> turns it off.
/// </summary>
public sealed record FlappingPolicy(int MaxChanges, TimeSpan Window)
{
    public static readonly FlappingPolicy Default = new(4, TimeSpan.FromMinutes(30));

    public static readonly FlappingPolicy Off = new(0, TimeSpan.Zero);

    public bool Enabled => MaxChanges > 0;

    public TimeSpan StableFor => Window / 2;
}

/// <summary>The timing and no-data options the lifecycle needs (the part of a rule <see cref="Alerts.Lifecycle.AlertLifecycle"/> reads).</summary>
public sealed record LifecycleOptions(
    TimeSpan For,
    TimeSpan KeepFiringFor,
    NoDataPolicy NoData,
    AlertSeverity NoDataSeverity,
    FlappingPolicy Flapping)
{
    public static readonly LifecycleOptions Default = new(TimeSpan.Zero, TimeSpan.Zero, NoDataPolicy.Ok, AlertSeverity.Critical, FlappingPolicy.Default);
}

/// <summary>A validated alert rule (built only by <see cref="Reading.RulesSection"/> from a valid document).</summary>
public sealed record AlertRule
{
    /// <summary>Labels every instance carries that rules may not set themselves.</summary>
    public const string RuleLabel = "rule";

    public const string SeverityLabel = "severity";

    public required string Name { get; init; }

    public required RuleCondition Condition { get; init; }

    /// <summary>The window aggregates are computed over (threshold, percentile, ratio).</summary>
    public TimeSpan Window { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>One instance per distinct combination of these labels.</summary>
    public IReadOnlyList<string> GroupBy { get; init; } = [];

    /// <summary>Threshold levels (threshold, percentile, ratio rules); null for absent and status rules.</summary>
    public ThresholdLevels? Thresholds { get; init; }

    /// <summary>Hysteresis: a firing instance resolves only once this holds (e.g. <c>&lt; 0.8</c>), not as soon as no level is crossed.</summary>
    public Comparison? Recover { get; init; }

    /// <summary>The severity of absent and status rules (status: when unhealthy).</summary>
    public AlertSeverity Severity { get; init; } = AlertSeverity.Critical;

    public LifecycleOptions Lifecycle { get; init; } = LifecycleOptions.Default;

    /// <summary>Minimum time between two notifications of one instance (the router applies it).</summary>
    public TimeSpan Cooldown { get; init; }

    /// <summary>
    /// Since when the rule has been in force (its first appearance in the applied configuration; null when not
    /// known). An absent rule whose series was never seen measures its silence from here, as Prometheus'
    /// <c>absent() for:</c> does, so a newly deployed dead man's switch waits its silence before it fires.
    /// </summary>
    public DateTimeOffset? WatchingSince { get; init; }

    /// <summary>Static labels added to every instance.</summary>
    public LabelSet Labels { get; init; } = LabelSet.Empty;

    public IReadOnlyList<KeyValuePair<string, AnnotationTemplate>> Annotations { get; init; } = [];

    /// <summary>The highest severity the rule can fire with (what <c>noData: alerting</c> uses).</summary>
    public AlertSeverity HighestSeverity => Thresholds?.Highest
        ?? (Condition is StatusCondition status && status.DegradedSeverity > status.UnhealthySeverity ? status.DegradedSeverity.Value : Severity);

    /// <summary>
    /// The identity of an instance: the rule name and the group labels (never the severity or static labels, so
    /// a severity change or a label edit keeps the same instance).
    /// </summary>
    public LabelSet InstanceIdentity(LabelSet group) => group.Merge(LabelSet.From((RuleLabel, Name)));

    /// <summary>The labels an instance carries: group labels, the rule's labels, <c>rule</c> and <c>severity</c>.</summary>
    public LabelSet InstanceLabels(LabelSet group, AlertSeverity? severity)
    {
        var labels = group.Merge(Labels).With(RuleLabel, Name);
        return severity is { } s ? labels.With(SeverityLabel, s.ToText()) : labels;
    }

    /// <summary>Renders every annotation for one instance.</summary>
    public IReadOnlyDictionary<string, string> RenderAnnotations(LabelSet labels, double? value, AlertSeverity? severity, string? status)
    {
        var values = new TemplateValues(Name, labels, value, severity, status);
        var result = new Dictionary<string, string>(Annotations.Count, StringComparer.Ordinal);
        foreach (var (key, template) in Annotations)
        {
            result[key] = template.Render(values);
        }

        return result;
    }
}
