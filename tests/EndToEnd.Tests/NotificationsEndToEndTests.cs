using System.Collections.Concurrent;
using System.Net;
using System.Text.Json;
using Vigil.Testing;
using Vigil.Testing.StandIns;

namespace Vigil.EndToEnd.Tests;

/// <summary>
/// Notifications through DevHost on Azurite, from an alert event on alert-events to the request at each local
/// stand-in: content, grouping, silences, inhibition, delivery once in effect (killing the handler mid-dispatch),
/// a 429 storm, dead-lettering with a meta-alert, and no secret in any log line.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class NotificationsEndToEndTests : IClassFixture<NotificationsHost>, IAsyncLifetime
{
    private const string FastRoute = """
        route:
          receiver: ops-slack
          groupBy: [rule, service]
          groupWait: 0s
          groupInterval: 1s
          repeatInterval: 1h
          fallbackReceiver: ops-slack
        """;

    private readonly AzuriteFixture _azurite;
    private readonly NotificationsHost _host;
    private readonly string _service = "svc" + Guid.NewGuid().ToString("N")[..8];

    public NotificationsEndToEndTests(AzuriteFixture azurite, NotificationsHost host)
    {
        _azurite = azurite;
        _host = host;
    }

    public async Task InitializeAsync()
    {
        await _host.EnsureStartedAsync(_azurite);
        _host.Slack.Answer = (_, _) => StandInAnswer.Ok;
        _host.Webhook.Answer = (_, _) => StandInAnswer.Ok;
        _host.PagerDuty.Answer = (_, _) => StandInAnswer.Accepted;
    }

    public Task DisposeAsync() => Task.CompletedTask;

    private List<ReceivedMail> Mails() => [.. _host.Smtp.Mails.Where(m => m.Data.Contains(_service, StringComparison.Ordinal))];

    /// <summary>The attempts listed for <paramref name="receiver"/> about the alert <paramref name="fingerprint"/>.</summary>
    private async Task<List<JsonElement>> AttemptsAsync(string receiver, string fingerprint)
    {
        using var listed = await _host.Vigil.GetJsonAsync($"api/notifications?receiver={receiver}&limit=500", _host.Vigil.Host.FunctionKey);
        return [.. listed.RootElement.GetProperty("attempts").EnumerateArray()
            .Where(a => a.GetProperty("alerts").EnumerateArray().Any(x => x.GetProperty("fingerprint").GetString() == fingerprint))
            .Select(a => a.Clone())];
    }

    private async Task<List<JsonElement>> AlertsAsync(string query)
    {
        using var alerts = await _host.Vigil.GetJsonAsync("api/alerts?" + query, _host.Vigil.Host.FunctionKey);
        return [.. alerts.RootElement.GetProperty("alerts").EnumerateArray().Select(a => a.Clone())];
    }

    [Fact]
    public async Task FiringThenResolved_ArriveAtSlackWithContentAndAreListed()
    {
        await _host.ApplyOkAsync(_host.Config(FastRoute));

        await _host.SendEventAsync("HighErrorRate", "firing", _service, summary: "Error rate 25% on " + _service);
        var firing = (await NotificationsHost.WaitAboutAsync(_host.Slack, _service, 1)).Single().Json;
        await _host.SendEventAsync("HighErrorRate", "resolved", _service, sequence: 2);
        var requests = await NotificationsHost.WaitAboutAsync(_host.Slack, _service, 2);
        var resolved = requests[1].Json;

        Assert.Equal($"[FIRING:1] HighErrorRate (service={_service})", firing.GetProperty("text").GetString());
        Assert.Equal("#8B0000", firing.GetProperty("attachments")[0].GetProperty("color").GetString());
        var blocks = firing.GetProperty("attachments")[0].GetProperty("blocks").GetRawText();
        Assert.Contains("Error rate 25% on " + _service, blocks, StringComparison.Ordinal);
        Assert.Contains("https://example.com/runbooks/HighErrorRate|Runbook", blocks, StringComparison.Ordinal);
        Assert.Equal($"[RESOLVED] HighErrorRate (service={_service})", resolved.GetProperty("text").GetString());
        Assert.Equal("#2EB67D", resolved.GetProperty("attachments")[0].GetProperty("color").GetString());
        Assert.Equal(2, NotificationsHost.About(_host.Slack, _service).Count);
        Assert.All(requests, r => Assert.EndsWith("/services/T000/B000/" + _host.SlackToken, r.Path, StringComparison.Ordinal));

        using var listed = await _host.Vigil.GetJsonAsync("api/notifications?receiver=ops-slack&result=delivered&limit=50", _host.Vigil.Host.FunctionKey);
        var ours = listed.RootElement.GetProperty("attempts").EnumerateArray()
            .Where(a => a.GetProperty("alerts").EnumerateArray().Any(x => x.GetProperty("rule").GetString() == "HighErrorRate"))
            .ToList();
        Assert.True(ours.Count >= 2);
        Assert.All(ours, a => Assert.Equal(1, a.GetProperty("attempt").GetInt32()));
        _host.AssertNoSecretInLogs();
    }

    [Fact]
    public async Task Grouping_AlertsOfOneGroup_ArriveInOneMessage()
    {
        await _host.ApplyOkAsync(_host.Config(FastRoute.Replace("groupWait: 0s", "groupWait: 3s", StringComparison.Ordinal)));

        await _host.SendEventAsync("DiskFull", "firing", _service, severity: "warning", instance: "a");
        await _host.SendEventAsync("DiskFull", "firing", _service, severity: "critical", instance: "b");
        var message = (await NotificationsHost.WaitAboutAsync(_host.Slack, _service, 1)).Single().Json;
        await Task.Delay(TimeSpan.FromSeconds(3));

        Assert.Equal($"[FIRING:2] DiskFull (service={_service})", message.GetProperty("text").GetString());
        Assert.Equal("#8B0000", message.GetProperty("attachments")[0].GetProperty("color").GetString());
        Assert.Single(NotificationsHost.About(_host.Slack, _service));
    }

    [Fact]
    public async Task Silence_MutesUntilExpired_ThenTheStillFiringAlertIsNotified()
    {
        await _host.ApplyOkAsync(_host.Config(FastRoute));
        using var create = LocalVigil.Request(HttpMethod.Post, "api/silences", _host.Vigil.Host.MasterKey);
        create.Content = new StringContent($$"""{"matchers":["service={{_service}}"],"duration":"1h","createdBy":"e2e","comment":"maintenance"}""", System.Text.Encoding.UTF8, "application/json");
        using var created = await _host.Vigil.Client.SendAsync(create);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var id = JsonDocument.Parse(await created.Content.ReadAsStringAsync()).RootElement.GetProperty("id").GetString();

        await _host.SendEventAsync("Latency", "firing", _service);
        await Task.Delay(TimeSpan.FromSeconds(4));
        Assert.Empty(NotificationsHost.About(_host.Slack, _service));
        using (var list = await _host.Vigil.GetJsonAsync("api/silences?state=active", _host.Vigil.Host.FunctionKey))
        {
            Assert.Contains(list.RootElement.GetProperty("silences").EnumerateArray(), s => s.GetProperty("id").GetString() == id);
        }

        using var expire = LocalVigil.Request(HttpMethod.Delete, "api/silences/" + id, _host.Vigil.Host.MasterKey);
        using var expired = await _host.Vigil.Client.SendAsync(expire);
        Assert.Equal(HttpStatusCode.OK, expired.StatusCode);

        var message = (await NotificationsHost.WaitAboutAsync(_host.Slack, _service, 1, TimeSpan.FromSeconds(20))).Single().Json;
        Assert.Equal($"[FIRING:1] Latency (service={_service})", message.GetProperty("text").GetString());
    }

    [Fact]
    public async Task AlertsApi_SilencedFiringAlert_IsShownMutedWithTheSilenceIdUntilExpired()
    {
        var rule = "Muted" + _service;
        await _host.ApplyOkAsync(_host.Config(FastRoute, $$"""
            rules:
              - name: {{rule}}
                status: { component: nothing-reports-{{_service}} }
                noData: alerting
                severity: error
            """));
        Assert.Null(await _host.Vigil.Host.RunTimerAsync("AlertSweep", CancellationToken.None));
        await LocalVigil.EventuallyAsync(async () => (await AlertsAsync($"rule={rule}&state=firing")).Count == 1, TimeSpan.FromSeconds(20), "the alert firing");
        Assert.False((await AlertsAsync($"rule={rule}")).Single().GetProperty("muted").GetBoolean());

        using var create = LocalVigil.Request(HttpMethod.Post, "api/silences", _host.Vigil.Host.MasterKey);
        create.Content = new StringContent($$"""{"matchers":["rule={{rule}}"],"duration":"1h","createdBy":"e2e","comment":"muted in the alerts API"}""", System.Text.Encoding.UTF8, "application/json");
        using var created = await _host.Vigil.Client.SendAsync(create);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var id = JsonDocument.Parse(await created.Content.ReadAsStringAsync()).RootElement.GetProperty("id").GetString();

        var muted = (await AlertsAsync($"rule={rule}")).Single();
        Assert.True(muted.GetProperty("muted").GetBoolean());
        Assert.Equal([id], muted.GetProperty("mute").GetProperty("silencedBy").EnumerateArray().Select(e => e.GetString()));
        Assert.Empty(muted.GetProperty("mute").GetProperty("inhibitedBy").EnumerateArray());
        Assert.Empty(muted.GetProperty("mute").GetProperty("muteTimes").EnumerateArray());
        Assert.Single(await AlertsAsync($"rule={rule}&muted=true"));
        Assert.Empty(await AlertsAsync($"rule={rule}&muted=false"));

        using var expire = LocalVigil.Request(HttpMethod.Delete, "api/silences/" + id, _host.Vigil.Host.MasterKey);
        using var expired = await _host.Vigil.Client.SendAsync(expire);
        Assert.Equal(HttpStatusCode.OK, expired.StatusCode);

        var unmuted = (await AlertsAsync($"rule={rule}")).Single();
        Assert.Equal("firing", unmuted.GetProperty("state").GetString());
        Assert.False(unmuted.GetProperty("muted").GetBoolean());
        Assert.Empty(unmuted.GetProperty("mute").GetProperty("silencedBy").EnumerateArray());
        Assert.Empty(await AlertsAsync($"rule={rule}&muted=true"));
        await _host.ApplyOkAsync(_host.Config(FastRoute));
    }

    [Fact]
    public async Task AlertsApi_MutedFilterNotABoolean_IsA400NamingMuted()
    {
        using var request = LocalVigil.Request(HttpMethod.Get, "api/alerts?muted=yes", _host.Vigil.Host.FunctionKey);
        using var response = await _host.Vigil.Client.SendAsync(request);
        var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("muted", body.GetProperty("errors")[0].GetProperty("field").GetString());
    }

    [Fact]
    public async Task Silence_InvalidBody_IsA400NamingTheField()
    {
        using var create = LocalVigil.Request(HttpMethod.Post, "api/silences", _host.Vigil.Host.MasterKey);
        create.Content = new StringContent("""{"matchers":["service=~.*"],"duration":"1h","createdBy":"e2e"}""", System.Text.Encoding.UTF8, "application/json");
        using var response = await _host.Vigil.Client.SendAsync(create);
        var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var fields = body.GetProperty("errors").EnumerateArray().Select(e => e.GetProperty("field").GetString()).ToList();
        Assert.Contains("matchers", fields);
        Assert.Contains("comment", fields);
    }

    [Fact]
    public async Task Inhibition_FiringSourceMutesTheTarget()
    {
        await _host.ApplyOkAsync(_host.Config(FastRoute.Replace("groupWait: 0s", "groupWait: 2s", StringComparison.Ordinal), """
            inhibit:
              - sourceMatch: { severity: critical }
                targetMatch: { severity: warning }
                equal: [service]
            """));

        await _host.SendEventAsync("ServiceDown", "firing", _service, severity: "critical");
        await Task.Delay(TimeSpan.FromMilliseconds(500));
        await _host.SendEventAsync("SlowResponses", "firing", _service, severity: "warning");
        await NotificationsHost.WaitAboutAsync(_host.Slack, "ServiceDown (service=" + _service, 1);
        await Task.Delay(TimeSpan.FromSeconds(4));

        Assert.Empty(NotificationsHost.About(_host.Slack, "SlowResponses (service=" + _service));
    }

    [Fact]
    public async Task PagerDuty_TriggerThenResolve_OneIncidentByDedupKey()
    {
        await _host.ApplyOkAsync(_host.Config(FastRoute.Replace("receiver: ops-slack\n  groupBy", "receiver: oncall\n  groupBy", StringComparison.Ordinal)));

        await _host.SendEventAsync("ApiDown", "firing", _service, severity: "error");
        var trigger = (await NotificationsHost.WaitAboutAsync(_host.PagerDuty, _service, 1)).Single();
        var dedupKey = trigger.Json.GetProperty("dedup_key").GetString()!;
        await _host.SendEventAsync("ApiDown", "resolved", _service, severity: "error", sequence: 2);
        await LocalVigil.EventuallyAsync(() => Task.FromResult(_host.PagerDuty.Requests.Any(r => r.Body.Contains(dedupKey, StringComparison.Ordinal) && r.Body.Contains("\"resolve\"", StringComparison.Ordinal))), TimeSpan.FromSeconds(20), "the resolve");

        Assert.Equal("/v2/enqueue", trigger.Path);
        Assert.Equal(_host.RoutingKey, trigger.Json.GetProperty("routing_key").GetString());
        Assert.Equal("trigger", trigger.Json.GetProperty("event_action").GetString());
        Assert.Equal("error", trigger.Json.GetProperty("payload").GetProperty("severity").GetString());
        Assert.StartsWith($"[FIRING:1] ApiDown (service={_service})", trigger.Json.GetProperty("payload").GetProperty("summary").GetString(), StringComparison.Ordinal);
        Assert.Equal(_service, trigger.Json.GetProperty("payload").GetProperty("source").GetString());
        _host.AssertNoSecretInLogs();
    }

    [Fact]
    public async Task Email_OverStartTlsWithAuth_ArrivesWithSeveritySubject()
    {
        await _host.ApplyOkAsync(_host.Config(FastRoute.Replace("receiver: ops-slack\n  groupBy", "receiver: ops-email\n  groupBy", StringComparison.Ordinal)));

        await _host.SendEventAsync("QueueBacklog", "firing", _service, severity: "critical");
        await LocalVigil.EventuallyAsync(() => Task.FromResult(_host.Smtp.Mails.Any(m => m.Data.Contains(_service, StringComparison.Ordinal))), TimeSpan.FromSeconds(30), "the e-mail");

        var mail = _host.Smtp.Mails.First(m => m.Data.Contains(_service, StringComparison.Ordinal));
        Assert.True(mail.Secure, "STARTTLS was used");
        Assert.Equal(_host.Smtp.User, mail.User);
        Assert.Contains($"Subject: [CRITICAL] FIRING:1 QueueBacklog (service={_service})", mail.Data, StringComparison.Ordinal);
        Assert.Equal(["ops@example.com", "api-team@example.com"], mail.To);
        _host.AssertNoSecretInLogs();
    }

    [Fact]
    public async Task Webhook_RefusedWith400_IsNotRetriedAndAMetaAlertGoesToTheFallback()
    {
        await _host.ApplyOkAsync(_host.Config(FastRoute.Replace("receiver: ops-slack\n  groupBy", "receiver: audit\n  groupBy", StringComparison.Ordinal)));
        _host.Webhook.Answer = (r, _) => r.Body.Contains(_service, StringComparison.Ordinal) ? new StandInAnswer(400) : StandInAnswer.Ok;

        await _host.SendEventAsync("Broken", "firing", _service);
        await NotificationsHost.WaitAboutAsync(_host.Webhook, _service, 1);
        var meta = (await NotificationsHost.WaitAboutAsync(_host.Slack, "Delivery to audit (webhook) failing", 1, TimeSpan.FromSeconds(20))).Last().Json;
        await Task.Delay(TimeSpan.FromSeconds(3));

        Assert.Single(NotificationsHost.About(_host.Webhook, _service));
        Assert.Contains("NotificationDeliveryFailing", meta.GetProperty("text").GetString(), StringComparison.Ordinal);
        using var listed = await _host.Vigil.GetJsonAsync("api/notifications?receiver=audit&result=clientError", _host.Vigil.Host.FunctionKey);
        Assert.Contains(listed.RootElement.GetProperty("attempts").EnumerateArray(), a => a.GetProperty("remoteStatus").GetInt32() == 400);
    }

    [Fact]
    public async Task KillingTheHandlerMidDispatch_EachSinkGetsExactlyOneMessage()
    {
        // One notification to each channel; every sink holds its answer (shorter than the 5 s call timeout, so a
        // live dispatcher would never retry) and the handler is killed while all four calls are out.
        await _host.ApplyOkAsync(_host.Config(FastRoute.Replace("receiver: ops-slack\n  groupBy", "receivers: [ops-slack, audit, oncall, ops-email]\n  groupBy", StringComparison.Ordinal)));
        var hold = TimeSpan.FromSeconds(4.5);
        _host.Slack.Answer = (r, _) => r.Body.Contains(_service, StringComparison.Ordinal) ? new StandInAnswer(200, Delay: hold) : StandInAnswer.Ok;
        _host.Webhook.Answer = (r, _) => r.Body.Contains(_service, StringComparison.Ordinal) ? new StandInAnswer(200, Delay: hold) : StandInAnswer.Ok;
        _host.PagerDuty.Answer = (r, _) => r.Body.Contains(_service, StringComparison.Ordinal) ? StandInAnswer.Accepted with { Delay = hold } : StandInAnswer.Accepted;
        await _host.Smtp.SlowRepliesTo(_service, hold);

        var alertEvent = await _host.SendEventAsync("Outage", "firing", _service);
        var fingerprint = alertEvent["fingerprint"]!.GetValue<string>();
        var requests = new List<ReceivedRequest>();
        foreach (var sink in new[] { _host.Slack, _host.Webhook, _host.PagerDuty })
        {
            requests.AddRange(await NotificationsHost.WaitAboutAsync(sink, _service, 1));
        }

        await LocalVigil.EventuallyAsync(() => Task.FromResult(Mails().Count >= 1), TimeSpan.FromSeconds(30), "the e-mail");
        _host.Vigil.Host.Handler.Kill();
        var killedAt = DateTimeOffset.UtcNow;
        Assert.All(requests, r => Assert.True(killedAt - r.ReceivedAt < hold, $"{r.Path} was answered before the kill: the test did not kill mid-call"));

        // The messages are redelivered to the restarted handler, which finds the claims and sends nothing; when a
        // claim's lease (call timeout + 30 s) has run out, the sweep closes it as unknown, again sending nothing.
        var receivers = new[] { "ops-slack", "audit", "oncall", "ops-email" };
        await LocalVigil.EventuallyAsync(
            async () =>
            {
                try
                {
                    return (await Task.WhenAll(receivers.Select(r => AttemptsAsync(r, fingerprint)))).All(a => a.Count >= 1);
                }
                catch (HttpRequestException)
                {
                    return false; // the handler is restarting
                }
            },
            TimeSpan.FromSeconds(90),
            "every claim closed after its lease");
        await Task.Delay(TimeSpan.FromSeconds(3));

        Assert.Single(NotificationsHost.About(_host.Slack, _service));
        Assert.Single(NotificationsHost.About(_host.Webhook, _service));
        var page = Assert.Single(NotificationsHost.About(_host.PagerDuty, _service));
        Assert.Equal("trigger", page.Json.GetProperty("event_action").GetString());
        Assert.Single(Mails());
        foreach (var receiver in receivers)
        {
            // The delivery record: one attempt, never a second send; its outcome is unknown (the answer never came).
            var attempt = Assert.Single(await AttemptsAsync(receiver, fingerprint));
            Assert.Equal(1, attempt.GetProperty("attempt").GetInt32());
            Assert.Equal("unknown", attempt.GetProperty("result").GetString());
        }

        // A claim closed as unknown may never have left: the fallback receiver (ops-slack) hears about each one.
        foreach (var receiver in receivers.Where(r => r != "ops-slack"))
        {
            await LocalVigil.EventuallyAsync(
                () => Task.FromResult(_host.Slack.Requests.Any(r => r.Body.Contains($"Delivery to {receiver} (", StringComparison.Ordinal) && r.Body.Contains("failing: unknown", StringComparison.Ordinal))),
                TimeSpan.FromSeconds(20),
                $"the meta-alert about {receiver}");
        }

        _host.AssertNoSecretInLogs();
    }

    [Fact]
    public async Task RateLimitStorm_429sWithRetryAfter_EveryNotificationDeliveredOnce()
    {
        await _host.ApplyOkAsync(_host.Config(FastRoute));
        var stormUntil = DateTimeOffset.UtcNow.AddSeconds(4);
        var answered = new ConcurrentBag<(string Text, int Status)>();
        _host.Slack.Answer = (r, _) =>
        {
            var answer = r.Body.Contains(_service, StringComparison.Ordinal) && r.ReceivedAt < stormUntil ? new StandInAnswer(429, RetryAfter: "1") : StandInAnswer.Ok;
            answered.Add((r.Body.Contains(_service, StringComparison.Ordinal) ? r.Json.GetProperty("text").GetString()! : string.Empty, answer.Status));
            return answer;
        };

        var services = Enumerable.Range(0, 5).Select(i => $"{_service}x{i}").ToList();
        foreach (var service in services)
        {
            await _host.SendEventAsync("Storm", "firing", service);
        }

        await LocalVigil.EventuallyAsync(
            () => Task.FromResult(services.All(s => answered.Any(a => a.Text == $"[FIRING:1] Storm (service={s})" && a.Status == 200))),
            TimeSpan.FromSeconds(60),
            "every notification delivered");
        await Task.Delay(TimeSpan.FromSeconds(2));

        Assert.Contains(answered, a => a.Status == 429);
        Assert.All(services, s => Assert.Equal(1, answered.Count(a => a.Text == $"[FIRING:1] Storm (service={s})" && a.Status == 200)));
        using var listed = await _host.Vigil.GetJsonAsync("api/notifications?receiver=ops-slack&result=rateLimited&limit=200", _host.Vigil.Host.FunctionKey);
        Assert.NotEqual(0, listed.RootElement.GetProperty("count").GetInt32());
    }

    [Fact]
    public async Task RoutingChange_FiringAlertReachesTheNewReceiver_AndTheResolveReachesBoth()
    {
        await _host.ApplyOkAsync(_host.Config(FastRoute));
        await _host.SendEventAsync("Moved", "firing", _service);
        await NotificationsHost.WaitAboutAsync(_host.Slack, _service, 1);

        await _host.ApplyOkAsync(_host.Config(FastRoute.Replace("receiver: ops-slack\n  groupBy", "receiver: audit\n  groupBy", StringComparison.Ordinal)));
        var moved = (await NotificationsHost.WaitAboutAsync(_host.Webhook, _service, 1, TimeSpan.FromSeconds(20))).Single().Json;
        await _host.SendEventAsync("Moved", "resolved", _service, sequence: 2);
        await NotificationsHost.WaitAboutAsync(_host.Webhook, _service, 2, TimeSpan.FromSeconds(20));
        await NotificationsHost.WaitAboutAsync(_host.Slack, _service, 2, TimeSpan.FromSeconds(20));

        Assert.Equal("firing", moved.GetProperty("status").GetString());
        Assert.Equal("resolved", NotificationsHost.About(_host.Webhook, _service)[1].Json.GetProperty("status").GetString());
        Assert.StartsWith("[RESOLVED]", NotificationsHost.About(_host.Slack, _service)[1].Json.GetProperty("text").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Config_ReceiverNamingAMissingSetting_IsRejectedWithPathAndLine()
    {
        var (status, body) = await _host.ApplyAsync("""
            receivers:
              - name: team-slack
                slack: { webhookUrl: "%TEAM_SLACK_WEBHOOK_URL_NOT_SET%" }
            route:
              receiver: team-slack
            """);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        var error = Assert.Single(body.RootElement.GetProperty("errors").EnumerateArray());
        Assert.Equal("receivers[0].slack.webhookUrl", error.GetProperty("item").GetString());
        Assert.Equal(3, error.GetProperty("line").GetInt32());
        Assert.Contains("TEAM_SLACK_WEBHOOK_URL_NOT_SET is not set", error.GetProperty("reason").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ReceiverTest_ReportsTheReceiversAnswer()
    {
        await _host.ApplyOkAsync(_host.Config(FastRoute));
        _host.PagerDuty.Answer = (_, _) => new StandInAnswer(400);

        using var ok = LocalVigil.Request(HttpMethod.Post, "api/receivers/ops-slack/test", _host.Vigil.Host.MasterKey);
        using var okResponse = await _host.Vigil.Client.SendAsync(ok);
        using var bad = LocalVigil.Request(HttpMethod.Post, "api/receivers/oncall/test", _host.Vigil.Host.MasterKey);
        using var badResponse = await _host.Vigil.Client.SendAsync(bad);
        var badBody = JsonDocument.Parse(await badResponse.Content.ReadAsStringAsync()).RootElement;

        Assert.Equal(HttpStatusCode.OK, okResponse.StatusCode);
        Assert.Equal(HttpStatusCode.BadGateway, badResponse.StatusCode);
        Assert.Equal("clientError", badBody.GetProperty("result").GetString());
        Assert.Equal(400, badBody.GetProperty("remoteStatus").GetInt32());
        Assert.False(badBody.GetProperty("retryable").GetBoolean());
        Assert.DoesNotContain(_host.RoutingKey, badBody.GetRawText(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task StatusRule_FiringThroughTheEvaluator_ReachesSlack()
    {
        var rule = "Unreported" + _service;
        await _host.ApplyOkAsync(_host.Config(FastRoute, $$$"""
            rules:
              - name: {{{rule}}}
                status: { component: nothing-reports-this }
                noData: alerting
                severity: error
                annotations: { summary: "component {{ labels.component }} is not reporting" }
            """));

        Assert.Null(await _host.Vigil.Host.RunTimerAsync("AlertSweep", CancellationToken.None));
        var message = (await NotificationsHost.WaitAboutAsync(_host.Slack, rule, 1)).Single().Json;

        Assert.Equal($"[FIRING:1] {rule}", message.GetProperty("text").GetString());
        Assert.Equal("#E01E1E", message.GetProperty("attachments")[0].GetProperty("color").GetString());
        Assert.Contains("component nothing-reports-this is not reporting", message.GetRawText(), StringComparison.Ordinal);
        await _host.ApplyOkAsync(_host.Config(FastRoute));
    }
}
