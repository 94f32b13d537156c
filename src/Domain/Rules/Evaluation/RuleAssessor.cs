using Vigil.Domain.Health;
using Vigil.Domain.Rules.Conditions;

namespace Vigil.Domain.Rules.Evaluation;

/// <summary>Turns what a rule reads (an aggregate, a ratio, a last-seen time, a health status) into a <see cref="Verdict"/>. Pure and allocation-free.</summary>
public static class RuleAssessor
{
    /// <summary>Threshold and percentile rules: the aggregate of the window (null when the window had no samples).</summary>
    public static Verdict AssessValue(AlertRule rule, double? value)
    {
        if (value is not { } v || double.IsNaN(v))
        {
            return Verdict.NoData();
        }

        var thresholds = rule.Thresholds ?? throw new InvalidOperationException($"Rule {rule.Name} has no thresholds.");
        if (thresholds.Crossed(v) is { } severity)
        {
            return Verdict.Breaching(severity, v);
        }

        return rule.Recover is { } recover && !recover.Holds(v) ? Verdict.Band(v) : Verdict.Clear(v);
    }

    /// <summary>
    /// Ratio rules: numerator / denominator. No denominator, or one below minDenominator (or zero), is no data;
    /// a missing numerator with a denominator is 0 (no errors among the requests).
    /// </summary>
    public static Verdict AssessRatio(AlertRule rule, double? numerator, double? denominator)
    {
        var condition = (RatioCondition)rule.Condition;
        if (denominator is not { } d || d <= 0 || d < condition.MinDenominator)
        {
            return Verdict.NoData();
        }

        return AssessValue(rule, (numerator ?? 0) / d);
    }

    /// <summary>Absent rules: breaching once the last sample is at least the silence old (or there never was one). The value is the silence in seconds.</summary>
    public static Verdict AssessAbsent(AlertRule rule, DateTimeOffset? lastSeen, DateTimeOffset now)
    {
        var condition = (AbsentCondition)rule.Condition;
        if (lastSeen is not { } seen)
        {
            return Verdict.Breaching(rule.Severity, null);
        }

        var silence = now - seen;
        var seconds = Math.Max(0, silence.TotalSeconds);
        return silence >= condition.Silence ? Verdict.Breaching(rule.Severity, seconds) : Verdict.Clear(seconds);
    }

    /// <summary>Status rules: unhealthy fires, degraded fires only with a degraded severity, unknown is no data.</summary>
    public static Verdict AssessStatus(AlertRule rule, HealthStatus status)
    {
        var condition = (StatusCondition)rule.Condition;
        return status switch
        {
            HealthStatus.Unhealthy => Verdict.Breaching(condition.UnhealthySeverity, null, status),
            HealthStatus.Degraded when condition.DegradedSeverity is { } severity => Verdict.Breaching(severity, null, status),
            HealthStatus.Degraded or HealthStatus.Healthy => Verdict.Clear(null, status),
            _ => Verdict.NoData(null, status),
        };
    }
}
