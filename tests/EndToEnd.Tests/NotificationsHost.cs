using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Vigil.Testing;
using Vigil.Testing.StandIns;

namespace Vigil.EndToEnd.Tests;

/// <summary>
/// One DevHost (real handler, Azurite) per test class with local stand-ins for every receiver: Slack, PagerDuty
/// and a webhook on Kestrel, a real SMTP server (STARTTLS with a certificate the handler trusts through
/// SSL_CERT_FILE, AUTH). Secrets are random per run, so the tests can look for them in every log line.
/// </summary>
public sealed class NotificationsHost : IAsyncLifetime
{
    private readonly SemaphoreSlim _start = new(1, 1);
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, DateTimeOffset> _starts = new(StringComparer.Ordinal);
    private LocalVigil? _vigil;

    public string SlackToken { get; } = "slacktoken" + Guid.NewGuid().ToString("N")[..16];

    public string RoutingKey { get; } = "routingkey" + Guid.NewGuid().ToString("N")[..16];

    public string WebhookSecret { get; } = "whsecret" + Guid.NewGuid().ToString("N")[..16];

    public ReceiverStandIn Slack { get; private set; } = null!;

    public ReceiverStandIn PagerDuty { get; private set; } = null!;

    public ReceiverStandIn Webhook { get; private set; } = null!;

    public SmtpStandIn Smtp { get; private set; } = null!;

    public LocalVigil Vigil => _vigil ?? throw new InvalidOperationException("Not started.");

    public IEnumerable<string> Secrets => [SlackToken, RoutingKey, WebhookSecret, Smtp.Password];

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task EnsureStartedAsync(AzuriteFixture azurite)
    {
        await _start.WaitAsync();
        try
        {
            if (_vigil is not null)
            {
                return;
            }

            Slack = await ReceiverStandIn.StartAsync();
            PagerDuty = await ReceiverStandIn.StartAsync();
            Webhook = await ReceiverStandIn.StartAsync();
            Smtp = await SmtpStandIn.StartAsync();
            _vigil = await LocalVigil.StartAsync(azurite, options =>
            {
                options.ConfigFile = "none";
                var settings = options.SettingOverrides;
                settings["VIGIL_ALERT_SWEEP_SCHEDULE"] = LocalVigil.Never;
                settings["VIGIL_NOTIFY_FLUSH_SCHEDULE"] = "*/1 * * * * *";
                settings["VIGIL_NOTIFY_HTTP_TIMEOUT"] = "00:00:05";
                settings["SLACK_WEBHOOK_URL"] = new Uri(Slack.BaseAddress, "services/T000/B000/" + SlackToken).ToString();
                settings["PAGERDUTY_ROUTING_KEY"] = RoutingKey;
                settings["VIGIL_PAGERDUTY_EVENTS_URL"] = new Uri(PagerDuty.BaseAddress, "v2/enqueue").ToString();
                settings["WEBHOOK_SECRET"] = WebhookSecret;
                settings["SMTP_HOST"] = "127.0.0.1";
                settings["SMTP_PORT"] = Smtp.Port.ToString(CultureInfo.InvariantCulture);
                settings["SMTP_USERNAME"] = Smtp.User;
                settings["SMTP_PASSWORD"] = Smtp.Password;
                settings["ALERT_FROM_EMAIL"] = "vigil@example.com";
                settings["SSL_CERT_FILE"] = Smtp.TrustBundlePath;
            });
        }
        finally
        {
            _start.Release();
        }
    }

    /// <summary>A configuration with every receiver; <paramref name="route"/> and <paramref name="extra"/> are YAML appended.</summary>
    public string Config(string route, string extra = "") => $$"""
        receivers:
          - name: ops-slack
            slack: { webhookUrl: "%SLACK_WEBHOOK_URL%" }
          - name: oncall
            pagerduty: { routingKey: "%PAGERDUTY_ROUTING_KEY%" }
          - name: audit
            webhook: { url: "{{new Uri(Webhook.BaseAddress, "hooks/vigil")}}", secret: "%WEBHOOK_SECRET%" }
          - name: ops-email
            email: { to: [ops@example.com, api-team@example.com] }
          - name: console
            log: {}
        {{route}}
        {{extra}}
        """;

    public async Task<(HttpStatusCode Status, JsonDocument Body)> ApplyAsync(string document)
    {
        using var request = LocalVigil.Request(HttpMethod.Put, "api/config", Vigil.Host.MasterKey);
        request.Content = new StringContent(document, Encoding.UTF8, "application/yaml");
        using var response = await Vigil.Client.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, JsonDocument.Parse(text.Length == 0 ? "{}" : text));
    }

    public async Task ApplyOkAsync(string document)
    {
        var (status, body) = await ApplyAsync(document);
        Assert.True(status == HttpStatusCode.OK, $"PUT /api/config: {(int)status} {body.RootElement}");
    }

    /// <summary>Puts an alert event on alert-events, as the evaluator does.</summary>
    public async Task<JsonObject> SendEventAsync(string rule, string state, string service, string severity = "critical", long sequence = 1, string? instance = null, DateTimeOffset? startsAt = null, string? summary = null)
    {
        var labels = new JsonObject { ["rule"] = rule, ["service"] = service, ["severity"] = severity };
        if (instance is not null)
        {
            labels["instance"] = instance;
        }

        var fingerprint = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(Encoding.UTF8.GetBytes(rule + "/" + service + "/" + instance)))[..16];
        var now = DateTimeOffset.UtcNow;
        // A resolve carries the start of the episode it ends, as the evaluator's events do.
        var start = startsAt ?? (state == "firing" ? _starts[fingerprint] = now : _starts.GetValueOrDefault(fingerprint, now));
        var alertEvent = new JsonObject
        {
            ["schemaVersion"] = 1,
            ["eventId"] = fingerprint + "-" + sequence.ToString(CultureInfo.InvariantCulture),
            ["rule"] = rule,
            ["fingerprint"] = fingerprint,
            ["sequence"] = sequence,
            ["transition"] = state,
            ["state"] = state,
            ["severity"] = severity,
            ["labels"] = labels,
            ["annotations"] = new JsonObject { ["summary"] = summary ?? $"{rule} on {service}", ["runbook"] = "https://example.com/runbooks/" + rule },
            ["startsAt"] = start.ToString("O", CultureInfo.InvariantCulture),
            ["at"] = now.ToString("O", CultureInfo.InvariantCulture),
            ["flapping"] = false,
            ["cooldownSeconds"] = 0,
        };
        if (state == "resolved")
        {
            alertEvent["endsAt"] = now.ToString("O", CultureInfo.InvariantCulture);
        }

        await Vigil.Host.ServiceBus.SendAsync("alert-events", alertEvent.ToJsonString(), "text/plain", CancellationToken.None);
        return alertEvent;
    }

    /// <summary>Requests of a stand-in whose body mentions <paramref name="text"/>.</summary>
    public static List<ReceivedRequest> About(ReceiverStandIn standIn, string text) =>
        [.. standIn.Requests.Where(r => r.Body.Contains(text, StringComparison.Ordinal))];

    public static async Task<List<ReceivedRequest>> WaitAboutAsync(ReceiverStandIn standIn, string text, int count, TimeSpan? timeout = null)
    {
        await LocalVigil.EventuallyAsync(() => Task.FromResult(About(standIn, text).Count >= count), timeout ?? TimeSpan.FromSeconds(30), $"{count} requests about {text}");
        return About(standIn, text);
    }

    /// <summary>The shared secret check over everything DevHost and the handler logged.</summary>
    public void AssertNoSecretInLogs()
    {
        foreach (var secret in Secrets)
        {
            var leaks = Vigil.Host.Log.Recent.Where(l => l.Contains(secret, StringComparison.Ordinal)).ToList();
            Assert.True(leaks.Count == 0, "A secret leaked into the log: " + string.Join(" | ", leaks));
        }
    }

    public async Task DisposeAsync()
    {
        if (_vigil is not null)
        {
            await _vigil.DisposeAsync();
            await Slack.DisposeAsync();
            await PagerDuty.DisposeAsync();
            await Webhook.DisposeAsync();
            await Smtp.DisposeAsync();
        }

        _start.Dispose();
    }
}
