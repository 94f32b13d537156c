using Vigil.Domain.Health;
using Vigil.Domain.Labels;
using Vigil.Domain.Metrics.Query;
using Vigil.Domain.Rules.Conditions;

namespace Vigil.Domain.Rules.Evaluation;

/// <summary>The verdict for one instance (label group) of a rule.</summary>
public readonly record struct InstanceVerdict(LabelSet Group, Verdict Verdict);

/// <summary>
/// Turns what the series store and the status sources answered into one verdict per instance. Groups that have
/// an instance already (<c>knownGroups</c>) but no data now get a no-data verdict, so the noData policy decides
/// what happens to them (a firing alert whose series vanished never dangles). Pure.
/// </summary>
public static class RuleEvaluator
{
    /// <summary>Threshold and percentile rules: one aggregate per group.</summary>
    public static IReadOnlyList<InstanceVerdict> EvaluateValues(AlertRule rule, IReadOnlyList<GroupValue> values, IEnumerable<LabelSet> knownGroups)
    {
        var result = new List<InstanceVerdict>(values.Count);
        var seen = new HashSet<LabelSet>();
        foreach (var group in values)
        {
            var key = Normalize(rule, group.Group);
            if (seen.Add(key))
            {
                result.Add(new InstanceVerdict(key, RuleAssessor.AssessValue(rule, group.Value)));
            }
        }

        AddMissing(rule, result, seen, knownGroups);
        return result;
    }

    /// <summary>Ratio rules: numerator and denominator joined on the group labels.</summary>
    public static IReadOnlyList<InstanceVerdict> EvaluateRatio(AlertRule rule, IReadOnlyList<GroupValue> numerators, IReadOnlyList<GroupValue> denominators, IEnumerable<LabelSet> knownGroups)
    {
        var numeratorByGroup = new Dictionary<LabelSet, double?>();
        foreach (var n in numerators)
        {
            numeratorByGroup[Normalize(rule, n.Group)] = n.Value;
        }

        var result = new List<InstanceVerdict>(denominators.Count);
        var seen = new HashSet<LabelSet>();
        foreach (var d in denominators)
        {
            var key = Normalize(rule, d.Group);
            if (seen.Add(key))
            {
                numeratorByGroup.TryGetValue(key, out var numerator);
                result.Add(new InstanceVerdict(key, RuleAssessor.AssessRatio(rule, numerator, d.Value)));
            }
        }

        AddMissing(rule, result, seen, knownGroups);
        return result;
    }

    /// <summary>
    /// Absent rules: the newest sample per group. Without groupBy there is one instance, breaching when no series
    /// has a recent sample (when none was ever seen, the silence counts from <see cref="AlertRule.WatchingSince"/>,
    /// or breaches at once when that is unknown); with groupBy, each group seen before that went silent breaches.
    /// </summary>
    public static IReadOnlyList<InstanceVerdict> EvaluateAbsent(AlertRule rule, IReadOnlyList<SeriesInfo> series, IEnumerable<LabelSet> knownGroups, DateTimeOffset now)
    {
        var lastSeen = new Dictionary<LabelSet, DateTimeOffset>();
        foreach (var info in series)
        {
            var key = Normalize(rule, info.Labels.Only(rule.GroupBy));
            if (!lastSeen.TryGetValue(key, out var seen) || info.LastSeen > seen)
            {
                lastSeen[key] = info.LastSeen;
            }
        }

        if (rule.GroupBy.Count == 0)
        {
            lastSeen.TryGetValue(LabelSet.Empty, out var newest);
            return [new InstanceVerdict(LabelSet.Empty, RuleAssessor.AssessAbsent(rule, lastSeen.Count == 0 ? rule.WatchingSince : newest, now))];
        }

        var result = lastSeen.Select(p => new InstanceVerdict(p.Key, RuleAssessor.AssessAbsent(rule, p.Value, now))).ToList();
        foreach (var known in knownGroups)
        {
            var key = Normalize(rule, known);
            if (!lastSeen.ContainsKey(key))
            {
                // Seen before (it has an instance), no series now: silent for longer than the store keeps series.
                result.Add(new InstanceVerdict(key, RuleAssessor.AssessAbsent(rule, null, now)));
            }
        }

        return result;
    }

    /// <summary>Status rules: one instance, labelled with the probe, heartbeat or component it follows.</summary>
    public static InstanceVerdict EvaluateStatus(AlertRule rule, HealthStatus status) =>
        new(StatusGroup(rule), RuleAssessor.AssessStatus(rule, status));

    /// <summary>The single group of a status rule: <c>{probe="api-health"}</c>.</summary>
    public static LabelSet StatusGroup(AlertRule rule)
    {
        var condition = (StatusCondition)rule.Condition;
        return LabelSet.From((condition.LabelName, condition.Name));
    }

    private static LabelSet Normalize(AlertRule rule, LabelSet group) =>
        group.Count == 0 || rule.GroupBy.Count == group.Count ? group : group.Only(rule.GroupBy);

    private static void AddMissing(AlertRule rule, List<InstanceVerdict> result, HashSet<LabelSet> seen, IEnumerable<LabelSet> knownGroups)
    {
        foreach (var known in knownGroups)
        {
            var key = Normalize(rule, known);
            if (seen.Add(key))
            {
                result.Add(new InstanceVerdict(key, Verdict.NoData()));
            }
        }

        if (rule.GroupBy.Count == 0 && seen.Add(LabelSet.Empty))
        {
            // A rule without groupBy always has its one instance, with or without data.
            result.Add(new InstanceVerdict(LabelSet.Empty, Verdict.NoData()));
        }
    }
}
