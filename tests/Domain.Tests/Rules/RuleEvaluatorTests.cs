using Vigil.Domain.Configuration;
using Vigil.Domain.Health;
using Vigil.Domain.Labels;
using Vigil.Domain.Metrics.Query;
using Vigil.Domain.Rules;
using Vigil.Domain.Rules.Evaluation;

namespace Vigil.Domain.Tests.Rules;

public sealed class RuleEvaluatorTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 21, 12, 0, 0, TimeSpan.Zero);

    private static AlertRule Rule(string yaml) => Assert.Single(ConfigReader.Load(yaml).Config?.Rules ?? throw new InvalidOperationException(string.Join("\n", ConfigReader.Load(yaml).Errors)));

    [Theory]
    [InlineData(0.5, VerdictKind.Clear, (AlertSeverity)0)]
    [InlineData(1.5, VerdictKind.Breaching, AlertSeverity.Warning)]
    [InlineData(3.5, VerdictKind.Breaching, AlertSeverity.Critical)]
    [InlineData(0.9, VerdictKind.Band, (AlertSeverity)0)]
    [InlineData(0.8, VerdictKind.Band, (AlertSeverity)0)]
    [InlineData(0.79, VerdictKind.Clear, (AlertSeverity)0)]
    public void AssessValue_SeverityFollowsHighestLevelCrossed(double value, VerdictKind kind, AlertSeverity severity)
    {
        var rule = Rule("rules:\n  - name: Slow\n    metric: m\n    aggregate: p95\n    thresholds: { warning: \"> 1\", critical: \"> 3\" }\n    recover: \"< 0.8\"\n");

        var verdict = RuleAssessor.AssessValue(rule, value);

        Assert.Equal(kind, verdict.Kind);
        Assert.Equal(severity, verdict.Severity);
    }

    [Fact]
    public void AssessValue_NoValue_IsNoData() =>
        Assert.Equal(VerdictKind.NoData, RuleAssessor.AssessValue(Rule("rules:\n  - name: A\n    metric: m\n    thresholds: { warning: \"> 1\" }\n"), null).Kind);

    [Theory]
    [InlineData(3.0, 100.0, VerdictKind.Clear)]
    [InlineData(6.0, 100.0, VerdictKind.Breaching)]
    [InlineData(6.0, 19.0, VerdictKind.NoData)]
    [InlineData(null, 100.0, VerdictKind.Clear)]
    [InlineData(1.0, null, VerdictKind.NoData)]
    [InlineData(0.0, 0.0, VerdictKind.NoData)]
    public void AssessRatio_RespectsMinDenominator(double? numerator, double? denominator, VerdictKind expected)
    {
        var rule = Rule("rules:\n  - name: Errors\n    ratio:\n      numerator: { metric: e }\n      denominator: { metric: r }\n      minDenominator: 20\n    thresholds: { warning: \"> 0.05\" }\n");

        Assert.Equal(expected, RuleAssessor.AssessRatio(rule, numerator, denominator).Kind);
    }

    [Fact]
    public void EvaluateRatio_JoinsGroupsAndMarksVanishedGroupsNoData()
    {
        var rule = Rule("rules:\n  - name: Errors\n    ratio:\n      numerator: { metric: e }\n      denominator: { metric: r }\n    groupBy: [service]\n    thresholds: { warning: \"> 0.05\" }\n");
        var api = LabelSet.From(("service", "api"));
        var web = LabelSet.From(("service", "web"));
        var gone = LabelSet.From(("service", "gone"));

        var verdicts = RuleEvaluator.EvaluateRatio(
            rule,
            [new GroupValue(api, 10, 1, 10)],
            [new GroupValue(api, 100, 1, 100), new GroupValue(web, 100, 1, 100)],
            [gone, api]);

        Assert.Equal(VerdictKind.Breaching, verdicts.Single(v => v.Group == api).Verdict.Kind);
        Assert.Equal(VerdictKind.Clear, verdicts.Single(v => v.Group == web).Verdict.Kind);
        Assert.Equal(VerdictKind.NoData, verdicts.Single(v => v.Group == gone).Verdict.Kind);
        Assert.Equal(3, verdicts.Count);
    }

    [Fact]
    public void EvaluateValues_NoGroupByAndNoData_StillHasItsOneInstance()
    {
        var rule = Rule("rules:\n  - name: A\n    metric: m\n    thresholds: { warning: \"> 1\" }\n");

        var verdict = Assert.Single(RuleEvaluator.EvaluateValues(rule, [], []));

        Assert.Equal(LabelSet.Empty, verdict.Group);
        Assert.Equal(VerdictKind.NoData, verdict.Verdict.Kind);
    }

    [Fact]
    public void EvaluateAbsent_NoGroupBy_FiresWhenEverySeriesIsSilentOrNoneExists()
    {
        var rule = Rule("rules:\n  - name: Missing\n    absent: { metric: job_heartbeat }\n    for: 1h\n");
        var recent = new SeriesInfo("job_heartbeat", LabelSet.From(("job", "a")), "1", Now.AddMinutes(-10), 1);
        var old = new SeriesInfo("job_heartbeat", LabelSet.From(("job", "b")), "2", Now.AddHours(-3), 1);

        Assert.Equal(VerdictKind.Clear, Assert.Single(RuleEvaluator.EvaluateAbsent(rule, [recent, old], [], Now)).Verdict.Kind);
        var silent = Assert.Single(RuleEvaluator.EvaluateAbsent(rule, [old], [], Now)).Verdict;
        Assert.Equal(VerdictKind.Breaching, silent.Kind);
        Assert.Equal(3 * 3600, silent.Value);
        Assert.Equal(VerdictKind.Breaching, Assert.Single(RuleEvaluator.EvaluateAbsent(rule, [], [], Now)).Verdict.Kind);
    }

    [Fact]
    public void EvaluateAbsent_NeverSeen_CountsTheSilenceFromWhenTheRuleCameIntoForce()
    {
        var rule = Rule("rules:\n  - name: Missing\n    absent: { metric: job_heartbeat }\n    for: 1h\n") with { WatchingSince = Now.AddMinutes(-59) };

        var waiting = Assert.Single(RuleEvaluator.EvaluateAbsent(rule, [], [], Now)).Verdict;
        Assert.Equal(VerdictKind.Clear, waiting.Kind); // a new dead man's switch waits its silence before it fires
        Assert.Equal(59 * 60, waiting.Value);

        var silent = Assert.Single(RuleEvaluator.EvaluateAbsent(rule, [], [], Now.AddMinutes(1))).Verdict;
        Assert.Equal(VerdictKind.Breaching, silent.Kind);
        Assert.Equal(3600, silent.Value);

        var old = new SeriesInfo("job_heartbeat", LabelSet.From(("job", "b")), "2", Now.AddMinutes(-61), 1);
        Assert.Equal(VerdictKind.Breaching, Assert.Single(RuleEvaluator.EvaluateAbsent(rule, [old], [], Now)).Verdict.Kind); // seen: from the last sample
    }

    [Fact]
    public void WithRulesWatchingSince_SetsEachRulesStartAndKeepsTheRest()
    {
        var config = ConfigReader.Load("rules:\n  - name: A\n    absent: { metric: a }\n  - name: B\n    absent: { metric: b }\n").Config!;

        var watched = config.WithRulesWatchingSince(name => name == "A" ? Now : null);

        Assert.Equal(Now, watched.RulesByName["A"].WatchingSince);
        Assert.Null(watched.RulesByName["B"].WatchingSince);
        Assert.Equal(config.Rules.Select(r => r with { WatchingSince = null }), watched.Rules.Select(r => r with { WatchingSince = null }));
        Assert.Same(config.Notifications, watched.Notifications);
        Assert.Null(config.RulesByName["A"].WatchingSince); // the original is untouched
    }

    [Fact]
    public void EvaluateAbsent_GroupBy_FiresPerSilentGroup()
    {
        var rule = Rule("rules:\n  - name: Missing\n    absent: { metric: job_heartbeat }\n    groupBy: [job]\n    for: 1h\n");
        var a = new SeriesInfo("job_heartbeat", LabelSet.From(("job", "a"), ("host", "1")), "1", Now.AddMinutes(-10), 1);
        var b = new SeriesInfo("job_heartbeat", LabelSet.From(("job", "b"), ("host", "1")), "2", Now.AddHours(-3), 1);

        var verdicts = RuleEvaluator.EvaluateAbsent(rule, [a, b], [LabelSet.From(("job", "expired"))], Now);

        Assert.Equal(VerdictKind.Clear, verdicts.Single(v => v.Group == LabelSet.From(("job", "a"))).Verdict.Kind);
        Assert.Equal(VerdictKind.Breaching, verdicts.Single(v => v.Group == LabelSet.From(("job", "b"))).Verdict.Kind);
        Assert.Equal(VerdictKind.Breaching, verdicts.Single(v => v.Group == LabelSet.From(("job", "expired"))).Verdict.Kind);
    }

    [Theory]
    [InlineData(HealthStatus.Unhealthy, VerdictKind.Breaching, AlertSeverity.Critical)]
    [InlineData(HealthStatus.Degraded, VerdictKind.Breaching, AlertSeverity.Warning)]
    [InlineData(HealthStatus.Healthy, VerdictKind.Clear, (AlertSeverity)0)]
    [InlineData(HealthStatus.Unknown, VerdictKind.NoData, (AlertSeverity)0)]
    public void EvaluateStatus_FollowsHealth(HealthStatus status, VerdictKind kind, AlertSeverity severity)
    {
        var rule = Rule("rules:\n  - name: Down\n    status: { component: storage, degraded: warning }\n");

        var verdict = RuleEvaluator.EvaluateStatus(rule, status);

        Assert.Equal(LabelSet.From(("component", "storage")), verdict.Group);
        Assert.Equal(kind, verdict.Verdict.Kind);
        Assert.Equal(severity, verdict.Verdict.Severity);
    }

    [Fact]
    public void EvaluateStatus_DegradedWithoutDegradedSeverity_IsClear()
    {
        var rule = Rule("rules:\n  - name: Down\n    status: { component: storage }\n");

        Assert.Equal(VerdictKind.Clear, RuleEvaluator.EvaluateStatus(rule, HealthStatus.Degraded).Verdict.Kind);
    }

    [Fact]
    public void InstanceIdentity_IgnoresSeverityAndStaticLabels()
    {
        var rule = Rule("rules:\n  - name: A\n    metric: m\n    groupBy: [service]\n    labels: { team: api }\n    thresholds: { warning: \"> 1\" }\n");
        var group = LabelSet.From(("service", "api"));

        Assert.Equal(LabelSet.From(("rule", "A"), ("service", "api")), rule.InstanceIdentity(group));
        Assert.Equal(LabelSet.From(("rule", "A"), ("service", "api"), ("severity", "warning"), ("team", "api")), rule.InstanceLabels(group, AlertSeverity.Warning));
    }
}
