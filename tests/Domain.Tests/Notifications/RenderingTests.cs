using Vigil.Domain.Notifications.Notify;
using Vigil.Domain.Notifications.Receivers;
using Vigil.Domain.Notifications.Rendering;

namespace Vigil.Domain.Tests.Notifications;

/// <summary>What each channel's message looks like.</summary>
public sealed class RenderingTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 21, 12, 0, 0, TimeSpan.Zero);

    [Theory]
    [InlineData("info", "#2EB67D")]
    [InlineData("warning", "#FFA500")]
    [InlineData("error", "#E01E1E")]
    [InlineData("critical", "#8B0000")]
    public void Slack_FiringColourFollowsSeverity(string severity, string colour)
    {
        var message = SlackMessage.Render(Sample("firing", severity));

        Assert.Equal(colour, message["attachments"]![0]!["color"]!.GetValue<string>());
        Assert.Equal("[FIRING:1] HighErrorRate (service=api)", message["text"]!.GetValue<string>());
    }

    [Fact]
    public void Slack_ResolvedIsGreen()
    {
        var message = SlackMessage.Render(Sample("resolved", "critical"));

        Assert.Equal(SlackMessage.Green, message["attachments"]![0]!["color"]!.GetValue<string>());
        Assert.StartsWith("[RESOLVED]", message["text"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public void PagerDuty_TriggerAndResolve_ShareTheDedupKey()
    {
        var trigger = PagerDutyEvent.Render(Sample("firing", "warning"), "KEY");
        var resolve = PagerDutyEvent.Render(Sample("resolved", "warning"), "KEY");

        Assert.Equal("trigger", trigger["event_action"]!.GetValue<string>());
        Assert.Equal("resolve", resolve["event_action"]!.GetValue<string>());
        Assert.Equal(trigger["dedup_key"]!.GetValue<string>(), resolve["dedup_key"]!.GetValue<string>());
        var payload = trigger["payload"]!;
        Assert.Equal("warning", payload["severity"]!.GetValue<string>());
        Assert.Equal("api", payload["source"]!.GetValue<string>());
        Assert.Equal("2026-11-21T12:00:00.000Z", payload["timestamp"]!.GetValue<string>());
        Assert.Equal("https://example.com/runbook", trigger["links"]![0]!["href"]!.GetValue<string>());
    }

    [Fact]
    public void Email_SubjectStartsWithTheSeverity()
    {
        Assert.Equal("[WARNING] FIRING:1 HighErrorRate (service=api)", EmailContent.Render(Sample("firing", "warning")).Subject);
        Assert.Equal("[CRITICAL] RESOLVED HighErrorRate (service=api)", EmailContent.Render(Sample("resolved", "critical")).Subject);
        Assert.Contains("&lt;b&gt;", EmailContent.Render(Sample("firing", "warning", summary: "<b>")).Html, StringComparison.Ordinal);
    }

    [Fact]
    public void Webhook_IsAlertmanagerCompatible()
    {
        var body = WebhookPayload.Render(Sample("firing", "critical"));

        Assert.Equal("4", body["version"]!.GetValue<string>());
        Assert.Equal("firing", body["status"]!.GetValue<string>());
        Assert.Equal("audit", body["receiver"]!.GetValue<string>());
        var alert = body["alerts"]![0]!;
        Assert.Equal("0123456789abcdef", alert["fingerprint"]!.GetValue<string>());
        Assert.Equal("0001-01-01T00:00:00Z", alert["endsAt"]!.GetValue<string>());
        Assert.Equal("api", body["commonLabels"]!["service"]!.GetValue<string>());
    }

    [Fact]
    public void Sign_IsHmacSha256OverTimestampAndBody() =>
        Assert.Equal("sha256=" + Convert.ToHexStringLower(System.Security.Cryptography.HMACSHA256.HashData("s"u8.ToArray(), "1.{}"u8.ToArray())), WebhookPayload.Sign("s", 1, "{}"));

    private static Notification Sample(string status, string severity, string summary = "Error rate 25%")
    {
        var labels = new Dictionary<string, string> { ["rule"] = "HighErrorRate", ["service"] = "api", ["severity"] = severity };
        var annotations = new Dictionary<string, string> { ["summary"] = summary, ["runbook"] = "https://example.com/runbook" };
        return new Notification
        {
            Id = "id1",
            Receiver = "audit",
            Channel = ChannelKind.Webhook,
            GroupKey = "{}:audit:{rule=\"HighErrorRate\", service=\"api\"}",
            GroupId = "g",
            GroupLabels = new Dictionary<string, string> { ["rule"] = "HighErrorRate", ["service"] = "api" },
            CommonLabels = labels,
            CommonAnnotations = annotations,
            Alerts = [new NotifiedAlert { Fingerprint = "0123456789abcdef", Status = status, Labels = labels, Annotations = annotations, StartsAt = T0, EndsAt = status == "resolved" ? T0.AddMinutes(3) : null, Severity = severity }],
            CreatedAt = T0,
        };
    }
}
