using Vigil.Domain.Configuration;
using Vigil.Domain.Configuration.Validation;
using Vigil.Domain.Labels;
using Vigil.Domain.Notifications.Receivers;

namespace Vigil.Domain.Tests.Notifications;

/// <summary>Reading receivers, the route, inhibition and mute times; routing; the settings lookup.</summary>
public sealed class NotificationConfigTests
{
    private const string Document = """
        receivers:
          - name: ops-slack
            slack: { webhookUrl: "%SLACK_WEBHOOK_URL%" }
          - name: oncall
            pagerduty: { routingKey: "%PAGERDUTY_ROUTING_KEY%" }
          - name: ops-email
            email: { to: [ops@example.com, api-team@example.com] }
          - name: audit
            webhook: { url: "https://example.com/hooks/vigil", secret: "%WEBHOOK_SECRET%" }
        route:
          receiver: ops-slack
          groupBy: [rule, service]
          groupWait: 30s
          groupInterval: 5m
          repeatInterval: 4h
          routes:
            - match: { severity: critical }
              receivers: [oncall, ops-email]
              continue: true
            - match: { team: "=~db|storage" }
              receiver: audit
              muteTimes: [weekend-maintenance]
        inhibit:
          - sourceMatch: { severity: critical }
            targetMatch: { severity: warning }
            equal: [service]
        muteTimes:
          - name: weekend-maintenance
            weekdays: [saturday]
            times: [{ start: "02:00", end: "04:00" }]
            location: Europe/Berlin
        """;

    [Fact]
    public void Load_TheIssuesExample_ReadsEverySection()
    {
        var result = ConfigReader.Load(Document);

        Assert.True(result.IsValid, string.Join("\n", result.Errors));
        var notifications = result.Config!.Notifications;
        Assert.Equal(4, notifications.Receivers.Count);
        Assert.Equal("SLACK_WEBHOOK_URL", ((SlackIntegration)notifications.ReceiversByName["ops-slack"].Integration).WebhookUrl.Setting);
        Assert.Single(notifications.InhibitRules);
        Assert.Single(notifications.MuteTimes);
        Assert.Contains(result.Config.Objects, o => o.Kind == "receiver" && o.Name == "oncall");
    }

    [Fact]
    public void Destinations_CriticalWithContinue_GoesToOncallEmailAndOnwards()
    {
        var config = ConfigReader.Load(Document).Config!.Notifications;

        var critical = config.Destinations(LabelSet.From(("rule", "R"), ("severity", "critical"), ("team", "db")));
        var warning = config.Destinations(LabelSet.From(("rule", "R"), ("severity", "warning")));

        Assert.Equal(["oncall", "ops-email", "audit"], critical.Select(d => d.Receiver));
        Assert.Equal(["ops-slack"], warning.Select(d => d.Receiver));
        Assert.Equal("{}/{severity=\"critical\"}", critical[0].Route.Key);
    }

    [Fact]
    public void HeldBy_SaturdayTwoAmBerlin_IsInTheMuteTime()
    {
        var config = ConfigReader.Load(Document).Config!.Notifications;
        var route = config.Route!.Children[1];

        // 2026-11-21 is a Saturday; 02:30 in Berlin (winter, UTC+1) is 01:30 UTC.
        Assert.Equal(["weekend-maintenance"], config.HeldBy(route, new DateTimeOffset(2026, 11, 21, 1, 30, 0, TimeSpan.Zero)));
        Assert.Empty(config.HeldBy(route, new DateTimeOffset(2026, 11, 21, 3, 30, 0, TimeSpan.Zero)));
        // Summer (UTC+2): 02:30 Berlin is 00:30 UTC on Saturday 2026-07-04.
        Assert.NotEmpty(config.HeldBy(route, new DateTimeOffset(2026, 7, 4, 0, 30, 0, TimeSpan.Zero)));
    }

    [Fact]
    public void Load_WithSettings_AMissingSettingIsAnErrorAtItsLine()
    {
        var result = ConfigReader.Load(Document, new Settings("SLACK_WEBHOOK_URL", "WEBHOOK_SECRET", "SMTP_HOST", "ALERT_FROM_EMAIL"));

        var error = Assert.Single(result.Errors);
        Assert.Equal("receivers[1].pagerduty.routingKey", error.Path);
        Assert.Equal(5, error.Line);
        Assert.Contains("PAGERDUTY_ROUTING_KEY is not set", error.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_EmailWithoutSmtpHost_IsAnError()
    {
        var result = ConfigReader.Load(Document, new Settings("SLACK_WEBHOOK_URL", "WEBHOOK_SECRET", "PAGERDUTY_ROUTING_KEY", "ALERT_FROM_EMAIL"));

        var error = Assert.Single(result.Errors);
        Assert.Equal("receivers[2].email", error.Path);
        Assert.Contains("SMTP_HOST", error.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_LiteralSecret_ErrorDoesNotEchoIt()
    {
        var result = ConfigReader.Load("receivers:\n  - name: s\n    slack: { webhookUrl: \"https://hooks.slack.com/services/T/B/SECRETVALUE\" }\n");

        var error = Assert.Single(result.Errors);
        Assert.DoesNotContain("SECRETVALUE", error.Reason, StringComparison.Ordinal);
    }

    private sealed class Settings(params string[] names) : IConfigSettings
    {
        public bool Exists(string name) => names.Contains(name);
    }
}
