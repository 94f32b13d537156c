using Vigil.Domain.Metrics.Query;

namespace Vigil.Domain.Rules.Conditions;

/// <summary>What a rule watches. One subclass per rule kind.</summary>
public abstract record RuleCondition
{
    /// <summary>The metrics the condition reads (empty for status rules): new data for these triggers an evaluation.</summary>
    public abstract IReadOnlyList<string> Metrics { get; }

    /// <summary>The kind as written in docs and the API: threshold, percentile, ratio, absent, status.</summary>
    public abstract string Kind { get; }
}

/// <summary>An aggregate of a metric over the window compared with thresholds (<c>aggregate: pNN</c> makes it a percentile rule).</summary>
public sealed record ThresholdCondition(SeriesSelector Selector, Aggregation Aggregation) : RuleCondition
{
    public override IReadOnlyList<string> Metrics => [Selector.Metric];

    public override string Kind => Aggregation.Function == AggregateFunction.Percentile ? "percentile" : "threshold";
}

/// <summary>
/// numerator / denominator (each aggregated over the window, per group) compared with thresholds. With less
/// than <see cref="MinDenominator"/> in the denominator there is no verdict (no data): a 1-of-2 error rate at
/// night pages nobody.
/// </summary>
public sealed record RatioCondition(SeriesSelector Numerator, SeriesSelector Denominator, Aggregation Aggregation, double MinDenominator) : RuleCondition
{
    public override IReadOnlyList<string> Metrics =>
        Numerator.Metric == Denominator.Metric ? [Numerator.Metric] : [Numerator.Metric, Denominator.Metric];

    public override string Kind => "ratio";
}

/// <summary>
/// Fires when no sample of the selected series arrived for <see cref="Silence"/> (per group with groupBy: a group
/// seen before that went silent). The silence is measured from the last sample, so a late sweep does not delay it.
/// </summary>
public sealed record AbsentCondition(SeriesSelector Selector, TimeSpan Silence) : RuleCondition
{
    public override IReadOnlyList<string> Metrics => [Selector.Metric];

    public override string Kind => "absent";
}

/// <summary>What kind of thing a status rule follows.</summary>
public enum ComponentKind
{
    Probe,
    Heartbeat,
    Component,
}

/// <summary>
/// Follows the HealthStatus of a probe, a heartbeat or a system component: unhealthy fires with the rule's
/// severity, degraded fires only when <see cref="DegradedSeverity"/> is set; unknown is no data.
/// </summary>
public sealed record StatusCondition(ComponentKind Target, string Name, AlertSeverity UnhealthySeverity, AlertSeverity? DegradedSeverity) : RuleCondition
{
    public override IReadOnlyList<string> Metrics => [];

    public override string Kind => "status";

    /// <summary>The label that names the component on every instance: probe, heartbeat or component.</summary>
    public string LabelName => Target switch
    {
        ComponentKind.Probe => "probe",
        ComponentKind.Heartbeat => "heartbeat",
        _ => "component",
    };
}
