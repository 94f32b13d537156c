using Vigil.Domain.Configuration.Document;
using Vigil.Domain.Configuration.Sections;
using Vigil.Domain.Configuration.Validation;
using Vigil.Domain.Labels;
using Vigil.Domain.Metrics.Query;
using Vigil.Domain.Rules.Conditions;
using Vigil.Domain.Rules.Templates;

namespace Vigil.Domain.Rules.Reading;

/// <summary>
/// Reads <c>rules</c>: one rule per item, its kind given by exactly one of <c>metric</c> (threshold, or
/// percentile with <c>aggregate: pNN</c>), <c>ratio</c>, <c>absent</c> or <c>status</c>. Every key is checked
/// against the kind (a key that does not apply is an error, not silently ignored).
/// </summary>
public sealed class RulesSection : IConfigSection
{
    public static readonly ConfigShape RuleShape = new(
        "rule",
        "name", "metric", "match", "aggregate", "ratio", "absent", "status", "window", "groupBy", "thresholds", "recover",
        "severity", "for", "keepFiringFor", "noData", "cooldown", "labels", "annotations", "flapping");

    public static readonly ConfigShape SelectorShape = new("selector", "metric", "match");
    public static readonly ConfigShape RatioShape = new("ratio", "numerator", "denominator", "minDenominator");
    public static readonly ConfigShape StatusShape = new("status", "probe", "heartbeat", "component", "degraded");
    public static readonly ConfigShape ThresholdsShape = new("thresholds", "warning", "critical");
    public static readonly ConfigShape FlappingShape = new("flapping", "changes", "window");

    /// <summary>Longest window a rule may aggregate over (the series store keeps 24 h readable in one query).</summary>
    public static readonly TimeSpan MaxWindow = TimeSpan.FromHours(24);

    public static readonly TimeSpan DefaultWindow = TimeSpan.FromMinutes(5);

    public static readonly TimeSpan DefaultSilence = TimeSpan.FromMinutes(5);

    private static readonly string[] KindKeys = ["metric", "ratio", "absent", "status"];
    private static readonly string[] NoDataNames = ["ok", "alerting", "keepLast"];
    private static readonly string[] StatusTargets = ["probe", "heartbeat", "component"];

    /// <summary>Which keys apply to which kind (the rest of <see cref="RuleShape"/> is common to all).</summary>
    private static readonly Dictionary<string, string[]> KindOnlyKeys = new(StringComparer.Ordinal)
    {
        ["match"] = ["metric"],
        ["aggregate"] = ["metric", "ratio"],
        ["window"] = ["metric", "ratio"],
        ["thresholds"] = ["metric", "ratio"],
        ["recover"] = ["metric", "ratio"],
        ["severity"] = ["absent", "status"],
        ["groupBy"] = ["metric", "ratio", "absent"],
    };

    public string Key => "rules";

    public int Order => 50;

    public void Read(ConfigNode node, ValidationContext context, ConfigBuilder builder)
    {
        var items = context.List(node, Key, "rules");
        if (items is null)
        {
            return;
        }

        foreach (var (itemNode, path) in items)
        {
            var errorsBefore = context.Errors.Count;
            var reader = context.Object(itemNode, path, RuleShape, "a rule");
            if (reader is null)
            {
                continue;
            }

            var rule = ReadRule(reader);
            if (rule is not null && context.DeclareName("rule", rule.Name, reader.PathOf("name"), reader.Mapping.Get("name")!))
            {
                builder.AddObject("rule", rule.Name, itemNode);
                if (context.Errors.Count == errorsBefore)
                {
                    builder.Rules.Add(rule);
                }
            }
        }
    }

    private static AlertRule? ReadRule(ObjectReader rule)
    {
        var name = rule.Name("name", required: true, hint: "a name such as HighErrorRate");
        var kinds = KindKeys.Where(rule.Has).ToList();
        string? kind = null;
        if (kinds.Count == 0)
        {
            rule.Missing("metric", "a rule watches exactly one of metric (threshold or percentile), ratio, absent or status");
        }
        else if (kinds.Count > 1)
        {
            rule.ErrorAtKey(kinds[1], $"A rule has exactly one kind, but this one has {string.Join(" and ", kinds)}; split it into {kinds.Count} rules.");
        }
        else
        {
            kind = kinds[0];
            foreach (var (key, appliesTo) in KindOnlyKeys)
            {
                if (rule.Mapping.Contains(key) && !appliesTo.Contains(kind))
                {
                    rule.ErrorAtKey(key, $"'{key}' does not apply to {KindTitle(kind)} rules (it applies to {string.Join(" and ", appliesTo.Select(KindTitle))} rules).");
                }
            }
        }

        var window = rule.Duration("window", min: TimeSpan.FromSeconds(10), max: MaxWindow) ?? DefaultWindow;
        var groupBy = rule.LabelNameList("groupBy") ?? [];
        var labels = ReadLabels(rule);
        var severity = ReadSeverity(rule, "severity") ?? AlertSeverity.Critical;
        var forDuration = rule.Duration("for", max: TimeSpan.FromDays(7)) ?? TimeSpan.Zero;
        var keepFiringFor = rule.Duration("keepFiringFor", max: TimeSpan.FromDays(7)) ?? TimeSpan.Zero;
        var cooldown = rule.Duration("cooldown", max: TimeSpan.FromDays(7)) ?? TimeSpan.Zero;
        var noData = rule.OneOf("noData", NoDataNames) switch
        {
            "alerting" => NoDataPolicy.Alerting,
            "keepLast" => NoDataPolicy.KeepLast,
            _ => NoDataPolicy.Ok,
        };
        var flapping = ReadFlapping(rule);

        RuleCondition? condition = null;
        ThresholdLevels? thresholds = null;
        Comparison? recover = null;
        switch (kind)
        {
            case "metric":
                condition = ReadThreshold(rule);
                (thresholds, recover) = ReadLevels(rule);
                break;
            case "ratio":
                condition = ReadRatio(rule);
                (thresholds, recover) = ReadLevels(rule);
                break;
            case "absent":
                var selector = ReadSelector(rule.Object("absent", SelectorShape, "the absent selector"));
                condition = selector is null ? null : new AbsentCondition(selector, forDuration > TimeSpan.Zero ? forDuration : DefaultSilence);
                forDuration = TimeSpan.Zero; // for absent rules, 'for' is the silence itself (measured from the last sample)
                break;
            case "status":
                condition = ReadStatus(rule, severity);
                break;
        }

        var scope = new TemplateScope(ScopeLabels(condition, groupBy, labels), condition is StatusCondition);
        var annotations = ReadAnnotations(rule, scope);
        if (name is null || condition is null || labels is null || annotations is null)
        {
            return null;
        }

        if (thresholds is null && kind is "metric" or "ratio")
        {
            return null;
        }

        var built = new AlertRule
        {
            Name = name,
            Condition = condition,
            Window = window,
            GroupBy = condition is StatusCondition ? [] : groupBy,
            Thresholds = thresholds,
            Recover = recover,
            Severity = severity,
            Cooldown = cooldown,
            Labels = labels,
            Annotations = annotations,
        };
        return built with { Lifecycle = new LifecycleOptions(forDuration, keepFiringFor, noData, built.HighestSeverity, flapping) };
    }

    private static ThresholdCondition? ReadThreshold(ObjectReader rule)
    {
        var metric = ReadMetricName(rule, "metric");
        var matchers = ReadMatchers(rule, "match");
        var aggregation = ReadAggregation(rule, AggregateFunction.Avg);
        return metric is null || matchers is null || aggregation is null ? null : new ThresholdCondition(new SeriesSelector(metric, matchers), aggregation);
    }

    private static RatioCondition? ReadRatio(ObjectReader rule)
    {
        var ratio = rule.Object("ratio", RatioShape, "the ratio");
        var aggregation = ReadAggregation(rule, AggregateFunction.Increase);
        if (ratio is null)
        {
            return null;
        }

        var numerator = ReadSelector(ratio.Object("numerator", SelectorShape, "the numerator", required: true));
        var denominator = ReadSelector(ratio.Object("denominator", SelectorShape, "the denominator", required: true));
        var minDenominator = ratio.Number("minDenominator", min: 0) ?? 0;
        if (aggregation is { Function: AggregateFunction.Percentile })
        {
            rule.Error("aggregate", "A ratio divides counts or sums; a percentile aggregate makes no sense here (use increase, sum, count or rate).");
            return null;
        }

        return numerator is null || denominator is null || aggregation is null ? null : new RatioCondition(numerator, denominator, aggregation, minDenominator);
    }

    private static StatusCondition? ReadStatus(ObjectReader rule, AlertSeverity severity)
    {
        var status = rule.Object("status", StatusShape, "the status target");
        if (status is null)
        {
            return null;
        }

        var targets = StatusTargets.Where(status.Has).ToList();
        if (targets.Count != 1)
        {
            if (targets.Count == 0)
            {
                status.Missing("probe", "a status rule follows exactly one probe, heartbeat or component");
            }
            else
            {
                status.ErrorAtKey(targets[1], $"A status rule follows exactly one of probe, heartbeat or component, but this one names {string.Join(" and ", targets)}.");
            }

            return null;
        }

        var target = targets[0];
        var name = status.Name(target);
        var degraded = ReadSeverity(status, "degraded");
        if (name is null)
        {
            return null;
        }

        if (target != "component")
        {
            // Probes and heartbeats are defined in this document: the name must exist (checked once all sections are read).
            status.Context.Reference(target, name, status.PathOf(target), status.Mapping.Get(target)!, target + "s");
        }

        var kind = target switch
        {
            "probe" => ComponentKind.Probe,
            "heartbeat" => ComponentKind.Heartbeat,
            _ => ComponentKind.Component,
        };
        return new StatusCondition(kind, name, severity, degraded);
    }

    private static SeriesSelector? ReadSelector(ObjectReader? selector)
    {
        if (selector is null)
        {
            return null;
        }

        var metric = ReadMetricName(selector, "metric");
        var matchers = ReadMatchers(selector, "match");
        return metric is null || matchers is null ? null : new SeriesSelector(metric, matchers);
    }

    private static string? ReadMetricName(ObjectReader reader, string key)
    {
        var metric = reader.String(key, required: true, hint: "a metric name such as http_requests_total");
        if (metric is not null && !LabelNames.IsValidMetricName(metric))
        {
            reader.Error(key, $"'{metric}' is not a metric name: use letters, digits, '_' and ':', not starting with a digit.");
            return null;
        }

        return metric;
    }

    private static List<LabelMatcher>? ReadMatchers(ObjectReader reader, string key)
    {
        var map = reader.StringMap(key);
        if (map is null)
        {
            return reader.Mapping.Contains(key) && reader.Has(key) ? null : [];
        }

        var matchers = new List<LabelMatcher>();
        var ok = true;
        foreach (var (name, value, node, path) in map)
        {
            try
            {
                matchers.Add(LabelMatcher.ParseValue(name, value));
            }
            catch (FormatException ex)
            {
                reader.Context.Error(path, node, ex.Message + " (matchers are a value, or =~regex, !~regex, !=value).");
                ok = false;
            }
        }

        return ok ? matchers : null;
    }

    private static Aggregation? ReadAggregation(ObjectReader rule, AggregateFunction fallback)
    {
        var text = rule.String("aggregate");
        if (text is null)
        {
            return rule.Has("aggregate") ? null : new Aggregation(fallback);
        }

        if (!Aggregation.TryParse(text, out var aggregation))
        {
            rule.Error("aggregate", $"'{text}' is not an aggregate: use avg, min, max, sum, count, last, rate, increase or pNN (p50, p95, p99.9).");
            return null;
        }

        return aggregation;
    }

    private static (ThresholdLevels? Levels, Comparison? Recover) ReadLevels(ObjectReader rule)
    {
        var reader = rule.Object("thresholds", ThresholdsShape, "the thresholds", required: true);
        if (reader is null)
        {
            return (null, null);
        }

        var levels = new List<ThresholdLevel>();
        var ok = true;
        foreach (var (key, severity) in new[] { ("warning", AlertSeverity.Warning), ("critical", AlertSeverity.Critical) })
        {
            if (!reader.Has(key))
            {
                continue;
            }

            var comparison = ReadComparison(reader, key);
            if (comparison is null)
            {
                ok = false;
                continue;
            }

            levels.Add(new ThresholdLevel(severity, comparison.Value));
        }

        if (levels.Count == 0 && ok)
        {
            reader.Missing("warning", "give at least one of warning or critical, e.g. { warning: \"> 0.05\", critical: \"> 0.20\" }");
            ok = false;
        }

        if (ok && levels.Count == 2)
        {
            var warning = levels.First(l => l.Severity == AlertSeverity.Warning).Comparison;
            var critical = levels.First(l => l.Severity == AlertSeverity.Critical).Comparison;
            if (warning.FiresAbove is { } above && critical.FiresAbove is { } criticalAbove && above != criticalAbove)
            {
                reader.Error("critical", $"warning ({warning}) and critical ({critical}) point in opposite directions; both must fire on high values (> >=) or both on low values (< <=).");
                ok = false;
            }
            else if (warning.FiresAbove == true && critical.Operand < warning.Operand)
            {
                reader.Error("critical", $"critical ({critical}) is below warning ({warning}); the critical level must be the more severe one.");
                ok = false;
            }
            else if (warning.FiresAbove == false && critical.Operand > warning.Operand)
            {
                reader.Error("critical", $"critical ({critical}) is above warning ({warning}); for low-value alerts the critical level must be lower.");
                ok = false;
            }
        }

        Comparison? recover = null;
        if (rule.Has("recover"))
        {
            recover = ReadComparison(rule, "recover");
            if (recover is { } r && ok)
            {
                var lowest = levels.OrderBy(l => l.Severity).First().Comparison;
                if (lowest.FiresAbove is not { } above || r.FiresAbove is not { } recoverAbove || recoverAbove == above)
                {
                    rule.Error("recover", $"recover ({r}) must point the other way from the thresholds ({lowest}): e.g. thresholds \"> 1\" with recover \"< 0.8\".");
                    recover = null;
                    ok = false;
                }
                else if (r.Holds(lowest.Operand) && lowest.Holds(r.Operand))
                {
                    rule.Error("recover", $"recover ({r}) overlaps the lowest threshold ({lowest}); a value could be breaching and recovered at once.");
                    recover = null;
                    ok = false;
                }
            }
        }

        return ok ? (new ThresholdLevels(levels), recover) : (null, null);
    }

    private static Comparison? ReadComparison(ObjectReader reader, string key)
    {
        var node = reader.Node(key)!;
        if (node is not ConfigScalar scalar || scalar.Kind is ScalarKind.Null or ScalarKind.Boolean)
        {
            reader.Error(key, $"Expected a comparison such as \"> 0.05\", found {node.Describe()}.");
            return null;
        }

        if (scalar.Kind == ScalarKind.Number)
        {
            reader.Error(key, $"A bare number has no direction; write \"> {scalar.Text}\" (or >=, <, <=, ==, !=) in quotes.");
            return null;
        }

        if (!Comparison.TryParse(scalar.Text, out var comparison, out var error))
        {
            reader.Error(key, error!);
            return null;
        }

        return comparison;
    }

    private static AlertSeverity? ReadSeverity(ObjectReader reader, string key)
    {
        var text = reader.OneOf(key, AlertSeverityText.Names);
        return AlertSeverityText.TryParse(text, out var severity) ? severity : null;
    }

    private static LabelSet? ReadLabels(ObjectReader rule)
    {
        var map = rule.StringMap("labels");
        if (map is null)
        {
            return rule.Has("labels") ? null : LabelSet.Empty;
        }

        var ok = true;
        foreach (var (name, _, node, path) in map)
        {
            if (name is AlertRule.RuleLabel or AlertRule.SeverityLabel)
            {
                rule.Context.Error(path, node, $"The label '{name}' is set by Vigil on every alert; choose another name.");
                ok = false;
            }
        }

        return ok ? LabelSet.From(map.Select(m => new KeyValuePair<string, string>(m.Name, m.Value))) : null;
    }

    private static FlappingPolicy ReadFlapping(ObjectReader rule)
    {
        var flapping = rule.Object("flapping", FlappingShape, "the flapping detection");
        if (flapping is null)
        {
            return FlappingPolicy.Default;
        }

        var changes = flapping.Integer("changes", min: 0, max: Alerts.Lifecycle.AlertState.MaxRememberedChanges - 1) ?? FlappingPolicy.Default.MaxChanges;
        var window = flapping.Duration("window", min: TimeSpan.FromMinutes(1), max: TimeSpan.FromDays(1)) ?? FlappingPolicy.Default.Window;
        return changes == 0 ? FlappingPolicy.Off : new FlappingPolicy(changes, window);
    }

    private static List<KeyValuePair<string, AnnotationTemplate>>? ReadAnnotations(ObjectReader rule, TemplateScope scope)
    {
        var map = rule.StringMap("annotations", labelNames: false);
        if (map is null)
        {
            return rule.Has("annotations") ? null : [];
        }

        var result = new List<KeyValuePair<string, AnnotationTemplate>>();
        var ok = true;
        foreach (var (key, text, node, path) in map)
        {
            if (!LabelNames.IsValid(key))
            {
                rule.Context.Error(path, node, $"'{key}' is not an annotation name: use letters, digits and '_', not starting with a digit.");
                ok = false;
                continue;
            }

            if (!AnnotationTemplate.TryCompile(text, scope, out var template, out var error))
            {
                rule.Context.Error(path, node, "The template does not compile: " + error);
                ok = false;
                continue;
            }

            result.Add(new KeyValuePair<string, AnnotationTemplate>(key, template!));
        }

        return ok ? result : null;
    }

    private static HashSet<string> ScopeLabels(RuleCondition? condition, IReadOnlyList<string> groupBy, LabelSet? labels)
    {
        var names = new HashSet<string>(StringComparer.Ordinal) { AlertRule.RuleLabel, AlertRule.SeverityLabel };
        if (condition is StatusCondition status)
        {
            names.Add(status.LabelName);
        }
        else
        {
            names.UnionWith(groupBy);
        }

        if (labels is not null)
        {
            names.UnionWith(labels.Select(l => l.Name));
        }

        return names;
    }

    private static string KindTitle(string kindKey) => kindKey switch
    {
        "metric" => "threshold",
        _ => kindKey,
    };
}
