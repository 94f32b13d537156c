using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Vigil.Testing;

namespace Vigil.EndToEnd.Tests;

/// <summary>
/// Probes, heartbeats and the status view through DevHost (the real handler process) on Azurite: a Kestrel target
/// the test switches down and up, the RunProbes timer run by hand, status rules through the real evaluator.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class ProbesEndToEndTests : IAsyncLifetime
{
    private readonly AzuriteFixture _azurite;
    private readonly string _suffix = Guid.NewGuid().ToString("N")[..8];
    private WebApplication _target = null!;
    private LocalVigil _vigil = null!;
    private volatile int _status = 200;
    private int _port;

    public ProbesEndToEndTests(AzuriteFixture azurite) => _azurite = azurite;

    public async Task InitializeAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0));
        _target = builder.Build();
        _target.MapGet("/health", () => Results.Text("""{"status":"ok"}""", "application/json", statusCode: _status));
        await _target.StartAsync();
        _port = new Uri(_target.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single()).Port;
        _vigil = await LocalVigil.StartAsync(_azurite, options => options.SettingOverrides["VIGIL_ALERT_SWEEP_SCHEDULE"] = LocalVigil.Never);
    }

    public async Task DisposeAsync()
    {
        await _vigil.DisposeAsync();
        await _target.DisposeAsync();
    }

    private string Api => "api-" + _suffix;

    private string ApiDown => "ApiDown" + _suffix;

    private async Task ApplyAsync(string document)
    {
        using var request = LocalVigil.Request(HttpMethod.Put, "api/config", _vigil.Host.MasterKey);
        request.Content = new StringContent(document, Encoding.UTF8, "application/yaml");
        using var response = await _vigil.Client.SendAsync(request);
        Assert.True(response.StatusCode == HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
    }

    private async Task RunProbesAsync() => Assert.Null(await _vigil.Host.RunTimerAsync("RunProbes", CancellationToken.None));

    private async Task<string?> AlertStateAsync(string rule)
    {
        using var alerts = await _vigil.GetJsonAsync($"api/alerts?rule={rule}", _vigil.Host.FunctionKey);
        return alerts.RootElement.GetProperty("alerts").EnumerateArray().Select(a => a.GetProperty("state").GetString()).SingleOrDefault();
    }

    private async Task<(HttpStatusCode Code, JsonDocument Body)> StatusAsync()
    {
        using var request = LocalVigil.Request(HttpMethod.Get, "api/status", _vigil.Host.FunctionKey);
        using var response = await _vigil.Client.SendAsync(request);
        return (response.StatusCode, JsonDocument.Parse(await response.Content.ReadAsStringAsync()));
    }

    private static JsonElement Named(JsonDocument status, string section, string name) =>
        status.RootElement.GetProperty(section).EnumerateArray().Single(e => e.GetProperty("name").GetString() == name);

    [Fact]
    public async Task TargetDown_ApiDownFiresAfterFailureThresholdAndResolvesAfterSuccessThreshold()
    {
        await ApplyAsync($$"""
            probes:
              - name: {{Api}}
                http: { url: "http://127.0.0.1:{{_port}}/health", expectStatus: [200] }
                every: 10s
                timeout: 2s
                failureThreshold: 2
                successThreshold: 2
            rules:
              - name: {{ApiDown}}
                status: { probe: {{Api}} }
                severity: critical
            """);

        await RunProbesAsync();
        var (healthyCode, healthy) = await StatusAsync();
        Assert.Equal(HttpStatusCode.OK, healthyCode);
        Assert.Equal("healthy", Named(healthy, "probes", Api).GetProperty("status").GetString());

        _status = 503;
        await RunProbesAsync();
        Assert.NotEqual("firing", await AlertStateAsync(ApiDown)); // one failure pages nobody
        var (_, blip) = await StatusAsync();
        Assert.Equal("healthy", Named(blip, "probes", Api).GetProperty("status").GetString());
        Assert.Equal("HTTP 503, expected 200", Named(blip, "probes", Api).GetProperty("lastError").GetProperty("reason").GetString());

        await RunProbesAsync();
        Assert.Equal("firing", await AlertStateAsync(ApiDown));
        var (downCode, down) = await StatusAsync();
        Assert.Equal(HttpStatusCode.ServiceUnavailable, downCode);
        Assert.Equal("unhealthy", down.RootElement.GetProperty("status").GetString());
        var probe = Named(down, "probes", Api);
        Assert.Equal("unhealthy", probe.GetProperty("status").GetString());
        Assert.Equal(503, probe.GetProperty("lastRun").GetProperty("httpStatus").GetInt32());
        Assert.Equal(probe.GetProperty("lastRun").GetProperty("at").GetDateTimeOffset(), probe.GetProperty("since").GetDateTimeOffset());

        _status = 200;
        await RunProbesAsync();
        Assert.Equal("firing", await AlertStateAsync(ApiDown)); // one success is not a recovery yet
        await RunProbesAsync();
        Assert.Equal("resolved", await AlertStateAsync(ApiDown));
        var (upCode, up) = await StatusAsync();
        Assert.Equal("healthy", Named(up, "probes", Api).GetProperty("status").GetString());
        Assert.NotEqual(HttpStatusCode.ServiceUnavailable, upCode);
    }

    [Fact]
    public async Task HeartbeatMissed_ItsRuleFiresAndStatusShowsIt()
    {
        var job = "job-" + _suffix;
        var rule = "JobMissed" + _suffix;
        await ApplyAsync($$"""
            heartbeats:
              - name: {{job}}
                expectEvery: 10s
            rules:
              - name: {{rule}}
                status: { heartbeat: {{job}} }
                severity: warning
            """);

        await RunProbesAsync(); // Vigil starts watching: the first beat is due within 10 s
        var (_, waiting) = await StatusAsync();
        Assert.Equal("unknown", Named(waiting, "heartbeats", job).GetProperty("status").GetString());
        var due = Named(waiting, "heartbeats", job).GetProperty("nextBeatDue").GetDateTimeOffset();

        await Task.Delay(due - DateTimeOffset.UtcNow + TimeSpan.FromMilliseconds(500));
        await RunProbesAsync();

        Assert.Equal("firing", await AlertStateAsync(rule));
        var (code, missed) = await StatusAsync();
        Assert.Equal(HttpStatusCode.ServiceUnavailable, code);
        var heartbeat = Named(missed, "heartbeats", job);
        Assert.Equal("unhealthy", heartbeat.GetProperty("status").GetString());
        Assert.Equal(due, heartbeat.GetProperty("since").GetDateTimeOffset());
        Assert.StartsWith("no beat received since Vigil started watching", heartbeat.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    private async Task<(HttpStatusCode Code, JsonDocument Body)> BeatAsync(string name, string query = "", string? body = null, string? key = "ingest")
    {
        using var request = LocalVigil.Request(HttpMethod.Post, $"api/heartbeats/{name}{query}");
        if (key is not null)
        {
            request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", key == "ingest" ? _vigil.Host.IngestKey : key);
        }

        if (body is not null)
        {
            request.Content = new StringContent(body, Encoding.UTF8, "text/plain");
        }

        using var response = await _vigil.Client.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, JsonDocument.Parse(text.Length == 0 ? "{}" : text));
    }

    [Fact]
    public async Task Heartbeats_BeatFailAndRecover_RuleFollowsAtOnce()
    {
        var job = "job-" + _suffix;
        var rule = "JobFailed" + _suffix;
        await ApplyAsync($$"""
            heartbeats:
              - name: {{job}}
                expectEvery: 1h
            rules:
              - name: {{rule}}
                status: { heartbeat: {{job}} }
                severity: critical
            """);

        var (okCode, ok) = await BeatAsync(job);
        Assert.Equal(HttpStatusCode.OK, okCode);
        Assert.Equal("healthy", ok.RootElement.GetProperty("status").GetString());
        Assert.Equal(1, ok.RootElement.GetProperty("beats").GetInt64());

        var (failCode, failed) = await BeatAsync(job, "?status=fail", "exit code 3");
        Assert.Equal(HttpStatusCode.OK, failCode);
        Assert.Equal("unhealthy", failed.RootElement.GetProperty("status").GetString());
        Assert.Equal("firing", await AlertStateAsync(rule)); // evaluated in the same request, no sweep needed
        var (_, status) = await StatusAsync();
        var heartbeat = Named(status, "heartbeats", job);
        Assert.Equal("unhealthy", heartbeat.GetProperty("status").GetString());
        Assert.Equal("the last beat reported a failure: exit code 3", heartbeat.GetProperty("detail").GetString());
        Assert.Equal("fail", heartbeat.GetProperty("lastBeat").GetProperty("status").GetString());

        await BeatAsync(job, "?message=retried");
        Assert.Equal("resolved", await AlertStateAsync(rule));
        var (_, after) = await StatusAsync();
        Assert.Equal("healthy", Named(after, "heartbeats", job).GetProperty("status").GetString());
        Assert.Equal("retried", Named(after, "heartbeats", job).GetProperty("lastBeat").GetProperty("message").GetString());
    }

    [Fact]
    public async Task Heartbeats_BadRequests_AnswerPreciselyAndRecordNothing()
    {
        var job = "job-" + _suffix;
        await ApplyAsync($"heartbeats:\n  - name: {job}\n    expectEvery: 1h\n");

        var (noKey, _) = await BeatAsync(job, key: null);
        var (wrongKey, _) = await BeatAsync(job, key: "vgl_nosuchkey_0000000000000000000000000000");
        var (unknown, unknownBody) = await BeatAsync("no-such-" + _suffix);
        var (badStatus, badStatusBody) = await BeatAsync(job, "?status=maybe");

        Assert.Equal(HttpStatusCode.Unauthorized, noKey);
        Assert.Equal(HttpStatusCode.Unauthorized, wrongKey);
        Assert.Equal(HttpStatusCode.NotFound, unknown);
        Assert.Contains($"No heartbeat is named 'no-such-{_suffix}'", unknownBody.RootElement.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, badStatus);
        Assert.Equal("status", badStatusBody.RootElement.GetProperty("errors")[0].GetProperty("field").GetString());
        var (_, status) = await StatusAsync();
        Assert.Equal(0, Named(status, "heartbeats", job).GetProperty("beats").GetInt64());
    }

    [Fact]
    public async Task ProbeMetrics_ReachTheSeriesStoreAndMetricRulesCanUseThem()
    {
        var rule = "ProbeFailing" + _suffix;
        await ApplyAsync($$"""
            probes:
              - name: {{Api}}
                http: { url: "http://127.0.0.1:{{_port}}/health" }
                every: 10s
                timeout: 2s
            rules:
              - name: {{rule}}
                metric: probe_success
                match: { probe: {{Api}} }
                aggregate: last
                window: 1m
                thresholds: { critical: "< 1" }
            """);

        _status = 500;
        await RunProbesAsync();

        await LocalVigil.EventuallyAsync(async () => await AlertStateAsync(rule) == "firing", TimeSpan.FromSeconds(30), "probe_success 0 reaches the rule through the metrics queue");
        using var series = await _vigil.GetJsonAsync($"api/series?metric=probe_http_status_code&match[]=probe%3D%22{Api}%22", _vigil.Host.FunctionKey);
        var found = Assert.Single(series.RootElement.GetProperty("series").EnumerateArray());
        Assert.Equal(500, found.GetProperty("lastValue").GetDouble());
        Assert.Equal("vigil:probes", found.GetProperty("labels").GetProperty("source").GetString());
        Assert.Equal("http", found.GetProperty("labels").GetProperty("type").GetString());
    }

    [Fact]
    public async Task SampleConfiguration_ItsProbesAreHealthyUnderDevHost()
    {
        // The sample as DevHost applies it, pointed at this test's DevHost and Azurite ports instead of 7071 and 10002.
        var sample = await File.ReadAllTextAsync(Path.Combine(RepoPaths.RepoRoot, "config", "vigil.sample.yaml"));
        var document = sample
            .Replace("127.0.0.1:7071", $"127.0.0.1:{_vigil.Host.BaseAddress.Port}", StringComparison.Ordinal)
            .Replace("port: 10002", $"port: {_azurite.StorageConnection.TableEndpoint.Port}", StringComparison.Ordinal);
        await ApplyAsync(document);

        await RunProbesAsync();

        var (_, status) = await StatusAsync();
        var probes = status.RootElement.GetProperty("probes").EnumerateArray().ToList();
        Assert.Equal(["vigil-health", "azurite-tables", "localhost-dns"], probes.Select(p => p.GetProperty("name").GetString()));
        Assert.All(probes, p => Assert.True(p.GetProperty("status").GetString() == "healthy", p.ToString()));
        var heartbeat = Named(status, "heartbeats", "nightly-export");
        Assert.Equal("unknown", heartbeat.GetProperty("status").GetString()); // watched, waiting for its first beat
        Assert.Equal("waiting for the first beat", heartbeat.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task Status_ListsTheAppsOwnComponents()
    {
        await ApplyAsync("rules: []\n");

        await RunProbesAsync();
        var (_, status) = await StatusAsync();

        var storage = Named(status, "components", "storage");
        Assert.Equal("healthy", storage.GetProperty("status").GetString());
        Assert.True(storage.GetProperty("since").GetDateTimeOffset() <= DateTimeOffset.UtcNow);
        Assert.True(status.RootElement.GetProperty("counts").GetProperty("healthy").GetInt32() >= 1);
    }

    [Fact]
    public async Task Status_NeedsAFunctionKey()
    {
        using var response = await _vigil.Client.GetAsync("api/status");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task Probe_ToCloudMetadata_IsRefusedAndSaysHowToAllowIt()
    {
        await ApplyAsync($$"""
            probes:
              - name: {{Api}}
                http: { url: "http://169.254.169.254/latest/meta-data/" }
            """);

        await RunProbesAsync();

        var (_, status) = await StatusAsync();
        var probe = Named(status, "probes", Api);
        Assert.Equal("unhealthy", probe.GetProperty("status").GetString());
        Assert.Equal("refused: 169.254.169.254 is a cloud metadata address, refused unless the probe sets allowLinkLocal: true", probe.GetProperty("lastRun").GetProperty("error").GetString());
    }
}
