using System.Net;
using System.Net.Sockets;
using Vigil.Domain.Notifications.Receivers;
using Vigil.Domain.Notifications.Retry;
using Vigil.Testing.StandIns;

namespace Vigil.Functions.Tests.Notifications;

/// <summary>
/// Every HTTP dispatcher (Slack, PagerDuty, webhook) against a real Kestrel stand-in: the shared retry
/// classification (2xx ok; 429 with Retry-After, 5xx, timeouts and refused connections retryable; other 4xx not),
/// and no secret (webhook URL token, routing key, signing secret) in any log line or error.
/// </summary>
public sealed class HttpNotifierClassificationTests : IAsyncLifetime
{
    private const string SlackToken = "xoxb-SLACK-TOKEN-4f9a1c";
    private const string RoutingKey = "R0UT1NG-KEY-77aa99";
    private const string WebhookSecret = "whsec-SIGNING-3c2b1a";
    private ReceiverStandIn _standIn = null!;

    public static TheoryData<string> Channels() => new() { "slack", "pagerduty", "webhook" };

    public async Task InitializeAsync() => _standIn = await ReceiverStandIn.StartAsync();

    public async Task DisposeAsync() => await _standIn.DisposeAsync();

    [Theory]
    [MemberData(nameof(Channels))]
    public async Task Send_EachAnswer_IsClassifiedByTheSharedClassifierAndLeaksNoSecret(string channel)
    {
        using var harness = Harness(_standIn.BaseAddress);
        var receiver = Receiver(channel);
        var cases = new (StandInAnswer Answer, DeliveryReason Expected, bool Retryable)[]
        {
            (StandInAnswer.Ok, DeliveryReason.Delivered, false),
            (StandInAnswer.Accepted, DeliveryReason.Delivered, false),
            (new StandInAnswer(429, RetryAfter: "7"), DeliveryReason.RateLimited, true),
            (new StandInAnswer(503), DeliveryReason.ServerError, true),
            (new StandInAnswer(500), DeliveryReason.ServerError, true),
            (new StandInAnswer(408), DeliveryReason.Timeout, true),
            (new StandInAnswer(400, Body: "invalid payload " + SlackToken), DeliveryReason.ClientError, false),
            (new StandInAnswer(404), DeliveryReason.ClientError, false),
            (new StandInAnswer(403), DeliveryReason.ClientError, false),
            (new StandInAnswer(200, Delay: TimeSpan.FromSeconds(5)), DeliveryReason.Timeout, true),
        };
        var outcomes = new List<DeliveryOutcome>();
        foreach (var (answer, expected, retryable) in cases)
        {
            _standIn.Answer = (_, _) => answer;
            var outcome = await harness.SendAsync(receiver, NotifierHarness.SampleNotification(receiver.Kind, receiver.Name));
            outcomes.Add(outcome);
            Assert.True(expected == outcome.Reason, $"HTTP {answer.Status}{(answer.Delay is null ? string.Empty : " (slow)")}: expected {expected}, got {outcome.Reason} ({outcome.Detail})");
            Assert.Equal(retryable, outcome.Retryable);
            if (answer.Status == 429)
            {
                Assert.Equal(TimeSpan.FromSeconds(7), outcome.RetryAfter);
            }
        }

        harness.AssertNoSecretLeaked(outcomes, SlackToken, RoutingKey, WebhookSecret);
    }

    [Theory]
    [MemberData(nameof(Channels))]
    public async Task Send_NobodyListening_IsARetryableNetworkErrorWithoutSecrets(string channel)
    {
        using var harness = Harness(new Uri($"http://127.0.0.1:{ClosedPort()}/"));
        var outcome = await harness.SendAsync(Receiver(channel), NotifierHarness.SampleNotification(ChannelKind.Slack, "x"));

        Assert.Equal(DeliveryReason.NetworkError, outcome.Reason);
        Assert.True(outcome.Retryable);
        harness.AssertNoSecretLeaked([outcome], SlackToken, RoutingKey, WebhookSecret);
    }

    [Theory]
    [InlineData("slack", "SLACK_WEBHOOK_URL")]
    [InlineData("pagerduty", "PAGERDUTY_ROUTING_KEY")]
    [InlineData("webhook", "WEBHOOK_SECRET")]
    public async Task Send_SettingMissing_IsMisconfiguredNamingTheSetting(string channel, string setting)
    {
        using var harness = Harness(_standIn.BaseAddress, without: setting);
        var outcome = await harness.SendAsync(Receiver(channel), NotifierHarness.SampleNotification(ChannelKind.Slack, "x"));

        Assert.Equal(DeliveryReason.Misconfigured, outcome.Reason);
        Assert.False(outcome.Retryable);
        Assert.Contains(setting, outcome.Detail, StringComparison.Ordinal);
        Assert.Empty(_standIn.Requests);
    }

    [Fact]
    public async Task Send_Webhook_SignsTheBodyWithTheSecret()
    {
        using var harness = Harness(_standIn.BaseAddress);
        var notification = NotifierHarness.SampleNotification(ChannelKind.Webhook, "audit");

        await harness.SendAsync(Receiver("webhook"), notification);

        var request = Assert.Single(_standIn.Requests);
        var timestamp = long.Parse(request.Headers["X-Vigil-Timestamp"], System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(Domain.Notifications.Rendering.WebhookPayload.Sign(WebhookSecret, timestamp, request.Body), request.Headers["X-Vigil-Signature"]);
        Assert.Equal(notification.Id, request.Headers["X-Vigil-Notification-Id"]);
        Assert.Equal("4", request.Json.GetProperty("version").GetString());
        Assert.Equal("firing", request.Json.GetProperty("alerts")[0].GetProperty("status").GetString());
    }

    private static NotifierHarness Harness(Uri baseAddress, string? without = null)
    {
        var settings = new Dictionary<string, string?>
        {
            ["SLACK_WEBHOOK_URL"] = new Uri(baseAddress, "services/T000/B000/" + SlackToken).ToString(),
            ["PAGERDUTY_ROUTING_KEY"] = RoutingKey,
            ["VIGIL_PAGERDUTY_EVENTS_URL"] = new Uri(baseAddress, "v2/enqueue").ToString(),
            ["WEBHOOK_URL"] = new Uri(baseAddress, "hooks/vigil?token=" + SlackToken).ToString(),
            ["WEBHOOK_SECRET"] = WebhookSecret,
            ["VIGIL_NOTIFY_HTTP_TIMEOUT"] = "00:00:02",
        };
        if (without is not null)
        {
            settings.Remove(without);
        }

        return new NotifierHarness(settings);
    }

    private static ReceiverDefinition Receiver(string channel) => channel switch
    {
        "slack" => new ReceiverDefinition("ops-slack", ChannelKind.Slack, new SlackIntegration(SettingValue.FromSetting("SLACK_WEBHOOK_URL"), null, null, null), true, null),
        "pagerduty" => new ReceiverDefinition("oncall", ChannelKind.PagerDuty, new PagerDutyIntegration(SettingValue.FromSetting("PAGERDUTY_ROUTING_KEY"), null, null, null, null), true, null),
        _ => new ReceiverDefinition("audit", ChannelKind.Webhook, new WebhookIntegration(SettingValue.FromSetting("WEBHOOK_URL"), SettingValue.FromSetting("WEBHOOK_SECRET"), 0), true, null),
    };

    private static int ClosedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }
}
