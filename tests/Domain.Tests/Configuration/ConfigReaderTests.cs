using Vigil.Domain.Configuration;
using Vigil.Domain.Metrics.Query;
using Vigil.Domain.Probes;
using Vigil.Domain.Rules;
using Vigil.Domain.Rules.Conditions;

namespace Vigil.Domain.Tests.Configuration;

public sealed class ConfigReaderTests
{
    [Fact]
    public void Load_SampleConfiguration_IsValid()
    {
        var result = ConfigReader.Load(File.ReadAllText(RepositoryPaths.Of("config", "vigil.sample.yaml")));

        Assert.True(result.IsValid, string.Join("\n", result.Errors));
        Assert.Equal(["HighErrorRate", "SlowResponses", "VigilUnhealthy", "PipelineStuck", "NightlyExportMissing"], result.Config!.Rules.Select(r => r.Name));
    }

    [Fact]
    public void Load_AllKindsInJson_BuildsTheRules()
    {
        var result = ConfigReader.Load(File.ReadAllText(RepositoryPaths.TestData("config", "valid", "all-kinds.json")));

        Assert.True(result.IsValid, string.Join("\n", result.Errors));
        var config = result.Config!;
        var ratio = config.RulesByName["HighErrorRate"];
        var condition = Assert.IsType<RatioCondition>(ratio.Condition);
        Assert.Equal(20, condition.MinDenominator);
        Assert.Equal(AggregateFunction.Increase, condition.Aggregation.Function);
        Assert.Equal(["service"], ratio.GroupBy);
        Assert.Equal(TimeSpan.FromMinutes(1), ratio.Lifecycle.For);
        Assert.Equal(TimeSpan.FromMinutes(2), ratio.Lifecycle.KeepFiringFor);
        Assert.Equal(AlertSeverity.Critical, ratio.Lifecycle.NoDataSeverity);
        Assert.Equal("api", ratio.Labels.Get("team"));

        var lowDisk = config.RulesByName["LowDisk"];
        Assert.Equal(AlertSeverity.Critical, lowDisk.Thresholds!.Crossed(0.05));
        Assert.Equal(AlertSeverity.Warning, lowDisk.Thresholds.Crossed(0.15));
        Assert.Null(lowDisk.Thresholds.Crossed(0.5));
        Assert.Equal(NoDataPolicy.KeepLast, lowDisk.Lifecycle.NoData);
        Assert.Equal(new FlappingPolicy(3, TimeSpan.FromMinutes(10)), lowDisk.Lifecycle.Flapping);

        var down = Assert.IsType<StatusCondition>(config.RulesByName["ApiDown"].Condition);
        Assert.Equal(ComponentKind.Probe, down.Target);
        Assert.Equal("api-health", down.Name);
        Assert.IsType<HttpProbeTarget>(Assert.Single(config.Probes).Target);
        Assert.Equal(TimeSpan.FromHours(2), Assert.Single(config.Heartbeats).Grace);
    }

    [Fact]
    public void Load_Defaults_AreTheDocumentedOnes()
    {
        var result = ConfigReader.Load("rules:\n  - name: A\n    metric: m\n    thresholds: { warning: \"> 1\" }\n  - name: B\n    absent: { metric: m }\n");

        Assert.True(result.IsValid, string.Join("\n", result.Errors));
        var a = result.Config!.Rules[0];
        Assert.Equal(TimeSpan.FromMinutes(5), a.Window);
        Assert.Equal(AggregateFunction.Avg, ((ThresholdCondition)a.Condition).Aggregation.Function);
        Assert.Equal(TimeSpan.Zero, a.Lifecycle.For);
        Assert.Equal(NoDataPolicy.Ok, a.Lifecycle.NoData);
        Assert.Equal(FlappingPolicy.Default, a.Lifecycle.Flapping);
        Assert.Equal(AlertSeverity.Warning, a.Lifecycle.NoDataSeverity);
        var b = result.Config.Rules[1];
        Assert.Equal(TimeSpan.FromMinutes(5), ((AbsentCondition)b.Condition).Silence);
        Assert.Equal(AlertSeverity.Critical, b.Severity);
    }

    [Fact]
    public void Load_AbsentFor_IsTheSilenceNotAPendingPeriod()
    {
        var result = ConfigReader.Load("rules:\n  - name: Missing\n    absent: { metric: job_heartbeat, match: { job: nightly } }\n    for: 26h\n");

        var rule = Assert.Single(result.Config!.Rules);
        Assert.Equal(TimeSpan.FromHours(26), ((AbsentCondition)rule.Condition).Silence);
        Assert.Equal(TimeSpan.Zero, rule.Lifecycle.For);
    }

    [Fact]
    public void Load_EmptyDocumentBody_IsAnEmptyConfiguration()
    {
        var result = ConfigReader.Load("rules: []\nprobes:\n");

        Assert.True(result.IsValid);
        Assert.Empty(result.Config!.Rules);
    }

    [Fact]
    public void Load_InvalidRule_KeepsOtherValidRulesOut()
    {
        var result = ConfigReader.Load("rules:\n  - name: A\n    metric: m\n    thresholds: { warning: \"> 1\" }\n  - name: B\n    metric: m\n    thresholds: { warning: \"x\" }\n");

        Assert.False(result.IsValid);
        Assert.Null(result.Config);
    }

    [Fact]
    public void RulesReading_FindsOnlyRulesOfTheMetric()
    {
        var config = ConfigReader.Load(File.ReadAllText(RepositoryPaths.Of("config", "vigil.sample.yaml"))).Config!;

        Assert.Equal(["HighErrorRate"], config.RulesReading("http_requests_total").Select(r => r.Name));
        Assert.Equal(["NightlyExportMissing"], config.RulesReading("job_heartbeat").Select(r => r.Name));
        Assert.Empty(config.RulesReading("other"));
    }
}
