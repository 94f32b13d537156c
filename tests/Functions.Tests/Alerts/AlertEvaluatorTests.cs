using Microsoft.Extensions.Logging.Abstractions;
using Vigil.Domain.Alerts.Events;
using Vigil.Domain.Configuration;
using Vigil.Domain.Health;
using Vigil.Domain.Rules;
using Vigil.Domain.Rules.Conditions;
using Microsoft.Extensions.Configuration;
using Vigil.Functions.Alerts;
using Vigil.Functions.Alerts.Evaluation;
using Vigil.Functions.Alerts.History;
using Vigil.Functions.Alerts.State;
using Vigil.Functions.Configuration;
using Vigil.Functions.Hosting;
using Vigil.Functions.Storage;
using Vigil.Testing;

namespace Vigil.Functions.Tests.Alerts;

[CollectionDefinition(Name)]
public sealed class AzuriteCollection : ICollectionFixture<AzuriteFixture>
{
    public const string Name = "Azurite";
}

/// <summary>The evaluator on real Table Storage (Azurite) with an in-memory series store.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class AlertEvaluatorTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 21, 12, 0, 0, TimeSpan.Zero);

    private readonly VigilTables _tables;
    private readonly FakeSeriesQuery _series = new();
    private readonly FakeStatusSource _statuses = new();
    private readonly string _suffix = Guid.NewGuid().ToString("N")[..8];

    public AlertEvaluatorTests(AzuriteFixture azurite) => _tables = new VigilTables(azurite.StorageConnection.CreateTableServiceClient());

    private AlertEvaluator NewEvaluator() =>
        new(_series, [_statuses], new AlertStateStore(_tables), new AlertHistoryStore(_tables), new SettingsReader(new ConfigurationBuilder().Build()), NullLogger<AlertEvaluator>.Instance);

    private AlertRule Rule(string yaml)
    {
        var result = ConfigReader.Load(yaml.Replace("NAME", "Rule" + _suffix, StringComparison.Ordinal));
        Assert.True(result.IsValid, string.Join("\n", result.Errors));
        return Assert.Single(result.Config!.Rules);
    }

    private static List<AlertEvent> Events(InvocationResult outputs) =>
        outputs.Outputs.TryGetValue(AlertOutputs.AlertEvents, out var node) && node is System.Text.Json.Nodes.JsonArray array
            ? [.. array.Select(n => System.Text.Json.JsonSerializer.Deserialize<AlertEvent>(n!.ToJsonString(), VigilJson.Options)!)]
            : [];

    [Fact]
    public async Task EvaluateAsync_BreachForThenRecover_PendingFiringResolvedEventsAndHistory()
    {
        var rule = Rule("rules:\n  - name: NAME\n    metric: latency\n    groupBy: [service]\n    thresholds: { warning: \"> 1\", critical: \"> 3\" }\n    for: 1m\n    annotations: { summary: \"{{ labels.service }} at {{ value }}\" }\n");
        var evaluator = NewEvaluator();
        _series.Set("latency", 2, ("service", "api"));

        var outputs = new InvocationResult();
        await evaluator.EvaluateAsync([rule], T0, outputs, CancellationToken.None);
        await evaluator.EvaluateAsync([rule], T0.AddSeconds(30), outputs, CancellationToken.None);
        await evaluator.EvaluateAsync([rule], T0.AddSeconds(60), outputs, CancellationToken.None);
        _series.Set("latency", 0.5, ("service", "api"));
        await evaluator.EvaluateAsync([rule], T0.AddSeconds(90), outputs, CancellationToken.None);

        var events = Events(outputs);
        Assert.Equal(["pending", "firing", "resolved"], events.Select(e => e.State));
        Assert.Equal("api at 2", events[1].Annotations["summary"]);
        Assert.Equal("warning", events[1].Labels["severity"]);
        Assert.Equal(T0.AddSeconds(90), events[2].EndsAt);
        Assert.Single(events.Select(e => e.Fingerprint).Distinct());

        var history = await new AlertHistoryStore(_tables).ReadAsync(500, null, rule.Name, CancellationToken.None);
        Assert.Equal(["resolved", "firing", "pending"], history.Events.Select(e => e.State));
    }

    [Fact]
    public async Task EvaluateAsync_SameDataEvaluatedTwice_EmitsNoDuplicate()
    {
        var rule = Rule("rules:\n  - name: NAME\n    metric: errors\n    thresholds: { critical: \"> 10\" }\n");
        _series.Set("errors", 50);
        var evaluator = NewEvaluator();

        var first = new InvocationResult();
        await evaluator.EvaluateAsync([rule], T0, first, CancellationToken.None);
        var redelivered = new InvocationResult();
        await evaluator.EvaluateAsync([rule], T0.AddSeconds(1), redelivered, CancellationToken.None);

        Assert.Equal("firing", Assert.Single(Events(first)).State);
        Assert.Empty(Events(redelivered));
    }

    [Fact]
    public async Task EvaluateAsync_EvaluatorsRacingOnOneInstance_ExactlyOneFiringEvent()
    {
        var rule = Rule("rules:\n  - name: NAME\n    metric: queue_depth\n    thresholds: { critical: \"> 100\" }\n");
        _series.Set("queue_depth", 500);
        var outputs = Enumerable.Range(0, 8).Select(_ => new InvocationResult()).ToList();

        await Task.WhenAll(outputs.Select(o => Task.Run(() => NewEvaluator().EvaluateAsync([rule], T0, o, CancellationToken.None))));

        var events = outputs.SelectMany(Events).ToList();
        Assert.Equal("firing", Assert.Single(events).State);
        var stored = await new AlertStateStore(_tables).ListAsync(rule.Name, CancellationToken.None);
        Assert.Equal(1, Assert.Single(stored).State.Sequence);
    }

    [Fact]
    public async Task EvaluateAsync_QuietInstance_WritesNoState()
    {
        var rule = Rule("rules:\n  - name: NAME\n    metric: quiet\n    groupBy: [service]\n    thresholds: { critical: \"> 100\" }\n");
        _series.Set("quiet", 1, ("service", "a"));

        await NewEvaluator().EvaluateAsync([rule], T0, new InvocationResult(), CancellationToken.None);

        Assert.Empty(await new AlertStateStore(_tables).ListAsync(rule.Name, CancellationToken.None));
    }

    [Fact]
    public async Task EvaluateAsync_StatusRule_FollowsTheComponent()
    {
        var rule = Rule("rules:\n  - name: NAME\n    status: { component: storage }\n");
        var evaluator = NewEvaluator();
        var outputs = new InvocationResult();

        _statuses.Statuses[(ComponentKind.Component, "storage")] = HealthStatus.Unhealthy;
        await evaluator.EvaluateAsync([rule], T0, outputs, CancellationToken.None);
        _statuses.Statuses[(ComponentKind.Component, "storage")] = HealthStatus.Healthy;
        await evaluator.EvaluateAsync([rule], T0.AddSeconds(15), outputs, CancellationToken.None);

        var events = Events(outputs);
        Assert.Equal(["firing", "resolved"], events.Select(e => e.State));
        Assert.Equal("storage", events[0].Labels["component"]);
        Assert.Equal("critical", events[0].Severity);
    }

    [Fact]
    public async Task EvaluateAsync_AbsentRule_FiresOnSilenceAndClearsOnData()
    {
        var rule = Rule("rules:\n  - name: NAME\n    absent: { metric: beat, match: { job: nightly } }\n    for: 10m\n");
        var labels = Vigil.Domain.Labels.LabelSet.From(("job", "nightly"));
        _series.Series.Add(new Vigil.Domain.Metrics.Query.SeriesInfo("beat", labels, "f", T0, 1));
        var evaluator = NewEvaluator();
        var outputs = new InvocationResult();

        await evaluator.EvaluateAsync([rule], T0.AddMinutes(9), outputs, CancellationToken.None);
        Assert.Empty(Events(outputs));
        await evaluator.EvaluateAsync([rule], T0.AddMinutes(10), outputs, CancellationToken.None);
        _series.Series[0] = _series.Series[0] with { LastSeen = T0.AddMinutes(11) };
        await evaluator.EvaluateAsync([rule], T0.AddMinutes(11), outputs, CancellationToken.None);

        Assert.Equal(["firing", "resolved"], Events(outputs).Select(e => e.State));
    }

    [Fact]
    public async Task RetireRemovedAsync_FiringInstanceOfRemovedRule_ResolvesThenForgets()
    {
        var rule = Rule("rules:\n  - name: NAME\n    metric: doomed\n    thresholds: { critical: \"> 1\" }\n    annotations: { summary: gone soon }\n");
        _series.Set("doomed", 5);
        var evaluator = NewEvaluator();
        await evaluator.EvaluateAsync([rule], T0, new InvocationResult(), CancellationToken.None);
        var others = (await new AlertStateStore(_tables).ListAsync(null, CancellationToken.None)).Select(i => i.Rule).Where(r => r != rule.Name).ToHashSet(StringComparer.Ordinal);

        var outputs = new InvocationResult();
        await evaluator.RetireRemovedAsync(others, T0.AddMinutes(1), outputs, CancellationToken.None);
        await evaluator.RetireRemovedAsync(others, T0.AddMinutes(2), new InvocationResult(), CancellationToken.None);
        Assert.Single(await new AlertStateStore(_tables).ListAsync(rule.Name, CancellationToken.None)); // kept until its resend went out
        var resent = new InvocationResult();
        await evaluator.ResendAsync(T0.AddMinutes(3), resent, CancellationToken.None);
        await evaluator.RetireRemovedAsync(others, T0.AddMinutes(4), new InvocationResult(), CancellationToken.None);

        var resolved = Assert.Single(Events(outputs), e => e.Rule == rule.Name);
        Assert.Equal(("resolved", "gone soon"), (resolved.State, resolved.Annotations["summary"]));
        Assert.Equal(resolved.EventId, Assert.Single(Events(resent), e => e.Rule == rule.Name).EventId);
        Assert.Empty(await new AlertStateStore(_tables).ListAsync(rule.Name, CancellationToken.None));
    }

    [Fact]
    public async Task ResendAsync_AfterTheDelay_SendsTheLastEventOnceMoreWithItsId()
    {
        var rule = Rule("rules:\n  - name: NAME\n    metric: resend\n    thresholds: { critical: \"> 1\" }\n");
        _series.Set("resend", 5);
        var evaluator = NewEvaluator();
        var first = new InvocationResult();
        await evaluator.EvaluateAsync([rule], T0, first, CancellationToken.None);

        var early = new InvocationResult();
        await evaluator.ResendAsync(T0.AddSeconds(89), early, CancellationToken.None);
        var due = new InvocationResult();
        await evaluator.ResendAsync(T0.AddSeconds(90), due, CancellationToken.None);
        var again = new InvocationResult();
        await evaluator.ResendAsync(T0.AddSeconds(200), again, CancellationToken.None);

        var firing = Assert.Single(Events(first));
        Assert.DoesNotContain(Events(early), e => e.Rule == rule.Name);
        Assert.Equal(firing, Assert.Single(Events(due), e => e.Rule == rule.Name) with { Labels = firing.Labels, Annotations = firing.Annotations });
        Assert.DoesNotContain(Events(again), e => e.Rule == rule.Name);
    }
}
