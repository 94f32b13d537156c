using Vigil.Domain.Alerts.Events;
using Vigil.Domain.Alerts.Lifecycle;
using Vigil.Domain.Configuration;
using Vigil.Domain.Labels;
using Vigil.Domain.Rules.Evaluation;

namespace Vigil.Domain.Tests.Alerts;

public sealed class AlertEventTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 21, 12, 0, 0, TimeSpan.Zero);

    private static readonly Vigil.Domain.Rules.AlertRule Rule = ConfigReader.Load("""
        rules:
          - name: HighErrorRate
            metric: error_ratio
            groupBy: [service]
            thresholds: { warning: "> 0.05", critical: "> 0.2" }
            cooldown: 10m
            labels: { team: api }
            annotations:
              summary: "Error rate {{ value | percent }} on {{ labels.service }} ({{ severity }})"
        """).Config!.Rules[0];

    [Fact]
    public void Create_FiringTransition_CarriesLabelsRenderedAnnotationsAndTimes()
    {
        var group = LabelSet.From(("service", "api"));
        var step = AlertLifecycle.Next(AlertState.New(T0), Verdict.Breaching(Vigil.Domain.Rules.AlertSeverity.Critical, 0.25), T0.AddSeconds(5), Rule.Lifecycle);

        var e = AlertEvent.Create(Rule, group, step.State, step.Events[0], null);

        Assert.Equal("firing", e.State);
        Assert.Equal("firing", e.Transition);
        Assert.Equal("critical", e.Severity);
        Assert.Equal(new Dictionary<string, string> { ["rule"] = "HighErrorRate", ["service"] = "api", ["severity"] = "critical", ["team"] = "api" }, e.Labels);
        Assert.Equal("Error rate 25% on api (critical)", e.Annotations["summary"]);
        Assert.Equal(Rule.InstanceIdentity(group).FingerprintHex, e.Fingerprint);
        Assert.Equal(T0.AddSeconds(5), e.StartsAt);
        Assert.Equal(600, e.CooldownSeconds);
        Assert.Equal(1, e.Sequence);
    }

    [Fact]
    public void EventIdFor_IsStableAndDistinct()
    {
        var id = AlertEvent.EventIdFor("r", "0123456789abcdef", T0, 1);

        Assert.Equal(id, AlertEvent.EventIdFor("r", "0123456789abcdef", T0, 1));
        Assert.NotEqual(id, AlertEvent.EventIdFor("r", "0123456789abcdef", T0, 2));
        Assert.NotEqual(id, AlertEvent.EventIdFor("r", "0123456789abcdef", T0.AddTicks(1), 1));
        Assert.NotEqual(id, AlertEvent.EventIdFor("s", "0123456789abcdef", T0, 1));
    }
}
