using System.Net;
using System.Text;
using System.Text.Json;
using Vigil.Testing;

namespace Vigil.EndToEnd.Tests;

/// <summary>Metric rules through DevHost on Azurite: POST /api/metrics -> metrics queue -> EvaluateMetrics -> rules -> alert-events.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class MetricAlertsEndToEndTests : IAsyncLifetime
{
    private readonly AzuriteFixture _azurite;
    private readonly AlertEventQueue _events;
    private readonly string _suffix = Guid.NewGuid().ToString("N")[..8];
    private LocalVigil _vigil = null!;
    private string _ingestKey = string.Empty;

    public MetricAlertsEndToEndTests(AzuriteFixture azurite)
    {
        _azurite = azurite;
        _events = new AlertEventQueue(azurite);
    }

    public async Task InitializeAsync()
    {
        _vigil = await LocalVigil.StartAsync(_azurite, options =>
        {
            options.SettingOverrides["VIGIL_ALERT_SWEEP_SCHEDULE"] = LocalVigil.Never;
            options.SettingOverrides[AlertEventQueue.RouterDisabledSetting] = "true"; // these tests read alert-events themselves
        });
        await _events.DrainAsync();
        using var request = LocalVigil.Request(HttpMethod.Post, "api/ingest-keys", _vigil.Host.MasterKey);
        request.Content = new StringContent(JsonSerializer.Serialize(new { source = "e2e" + _suffix }), Encoding.UTF8, "application/json");
        using var response = await _vigil.Client.SendAsync(request);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        _ingestKey = body.RootElement.GetProperty("key").GetString()!;
    }

    public async Task DisposeAsync() => await _vigil.DisposeAsync();

    private async Task ApplyAsync(string yaml)
    {
        using var request = LocalVigil.Request(HttpMethod.Put, "api/config", _vigil.Host.MasterKey);
        request.Content = new StringContent(yaml, Encoding.UTF8, "application/yaml");
        using var response = await _vigil.Client.SendAsync(request);
        Assert.True(response.StatusCode == HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
    }

    private async Task PostAsync(string metric, double value, params (string Name, string Value)[] labels)
    {
        using var request = LocalVigil.Request(HttpMethod.Post, "api/metrics");
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", _ingestKey);
        request.Content = new StringContent(JsonSerializer.Serialize(new { samples = new[] { new { metric, value, kind = "gauge", labels = labels.ToDictionary(l => l.Name, l => l.Value) } } }), Encoding.UTF8, "application/json");
        using var response = await _vigil.Client.SendAsync(request);
        Assert.True(response.StatusCode == HttpStatusCode.Accepted, await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task ThresholdRule_BreachingMetrics_PendingThenFiringThenRecoveryResolves()
    {
        var rule = "SlowApi" + _suffix;
        var metric = "e2e_latency_" + _suffix;
        await ApplyAsync($"""
            rules:
              - name: {rule}
                metric: {metric}
                aggregate: last
                window: 1m
                groupBy: [service]
                thresholds: {"{"} warning: "> 1", critical: "> 3" {"}"}
                for: 2s
                annotations:
                  summary: "{"{{"} labels.service {"}}"} answers in {"{{"} value | duration {"}}"}"
            """);

        await PostAsync(metric, 2.5, ("service", "api"));
        await _events.WaitForAsync(rule, "pending");
        using (var alerts = await _vigil.GetJsonAsync($"api/alerts?rule={rule}", _vigil.Host.FunctionKey))
        {
            Assert.Equal("pending", alerts.RootElement.GetProperty("alerts")[0].GetProperty("state").GetString());
        }

        await Task.Delay(TimeSpan.FromSeconds(2.2));
        Assert.Null(await _vigil.Host.RunTimerAsync("AlertSweep", CancellationToken.None)); // time passes without new data
        await _events.WaitForAsync(rule, "firing");
        var firing = _events.Received.Last(e => e.Event.GetProperty("rule").GetString() == rule).Event;
        Assert.Equal("warning", firing.GetProperty("severity").GetString());
        Assert.Equal("api answers in 2.5s", firing.GetProperty("annotations").GetProperty("summary").GetString());
        Assert.Equal("api", firing.GetProperty("labels").GetProperty("service").GetString());

        await PostAsync(metric, 0.2, ("service", "api"));
        await _events.WaitForAsync(rule, "resolved");
        Assert.Equal(["pending", "firing", "resolved"], _events.StatesOf(rule));
    }

    [Fact]
    public async Task AbsentRule_NeverSeenSeries_WaitsItsSilenceFromTheApplyThenFires()
    {
        var rule = "JobNeverSeen" + _suffix;
        var metric = "e2e_never_seen_" + _suffix;
        await ApplyAsync($"""
            rules:
              - name: {rule}
                absent: {"{"} metric: {metric} {"}"}
                for: 3s
                severity: warning
            """);

        // Just deployed: no sample yet, but the rule has not been watching for 3 s, so nobody is paged.
        Assert.Null(await _vigil.Host.RunTimerAsync("AlertSweep", CancellationToken.None));
        await _events.DrainAsync();
        Assert.Empty(_events.StatesOf(rule));

        await Task.Delay(TimeSpan.FromSeconds(3.2));
        Assert.Null(await _vigil.Host.RunTimerAsync("AlertSweep", CancellationToken.None));
        await _events.WaitForAsync(rule, "firing");
        Assert.Equal(["firing"], _events.StatesOf(rule));
    }

    [Fact]
    public async Task AbsentRule_SilenceFires_NewDataResolves()
    {
        var rule = "JobSilent" + _suffix;
        var metric = "e2e_job_heartbeat_" + _suffix;
        await ApplyAsync($"""
            rules:
              - name: {rule}
                absent: {"{"} metric: {metric}, match: {"{"} job: nightly {"}"} {"}"}
                for: 3s
                severity: warning
            """);
        await PostAsync(metric, 1, ("job", "nightly"));
        await LocalVigil.EventuallyAsync(async () =>
        {
            using var series = await _vigil.GetJsonAsync($"api/series?metric={metric}", _vigil.Host.FunctionKey);
            return series.RootElement.ToString().Contains("nightly", StringComparison.Ordinal);
        }, because: "the sample is stored");
        Assert.Null(await _vigil.Host.RunTimerAsync("AlertSweep", CancellationToken.None));
        await _events.DrainAsync();
        Assert.Empty(_events.StatesOf(rule));

        await Task.Delay(TimeSpan.FromSeconds(3.2));
        Assert.Null(await _vigil.Host.RunTimerAsync("AlertSweep", CancellationToken.None));
        await _events.WaitForAsync(rule, "firing");

        await PostAsync(metric, 1, ("job", "nightly"));
        await _events.WaitForAsync(rule, "resolved");
        Assert.Equal(["firing", "resolved"], _events.StatesOf(rule));
    }
}
