using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Vigil.Domain.Health;
using Vigil.Functions.Probes.Recording;
using Vigil.Testing;

namespace Vigil.Functions.Tests.Probes;

/// <summary>RunProbes ticks on Azurite against a target the test switches up and down; status rules through the real evaluator.</summary>
[Collection(ProbesAzuriteCollection.Name)]
public sealed class ProbeCycleTests : IAsyncLifetime
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 21, 12, 0, 0, TimeSpan.Zero);

    private readonly AzuriteFixture _azurite;
    private readonly string _suffix = Guid.NewGuid().ToString("N")[..8];
    private WebApplication _target = null!;
    private volatile int _status = 200;
    private int _port;

    public ProbeCycleTests(AzuriteFixture azurite) => _azurite = azurite;

    public async Task InitializeAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0));
        _target = builder.Build();
        _target.MapGet("/health", () => Results.Text("ok", "text/plain", statusCode: _status));
        await _target.StartAsync();
        _port = new Uri(_target.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single()).Port;
    }

    public async Task DisposeAsync() => await _target.DisposeAsync();

    private string Document(int failureThreshold = 2, int successThreshold = 2) => $$$"""
        probes:
          - name: api-{{{_suffix}}}
            http: { url: "http://127.0.0.1:{{{_port}}}/health" }
            every: 10s
            timeout: 2s
            failureThreshold: {{{failureThreshold}}}
            successThreshold: {{{successThreshold}}}
        heartbeats:
          - name: job-{{{_suffix}}}
            expectEvery: 1m
        rules:
          - name: ApiDown{{{_suffix}}}
            status: { probe: api-{{{_suffix}}} }
            severity: critical
            annotations: { summary: "api is {{ status }}" }
          - name: JobMissing{{{_suffix}}}
            status: { heartbeat: job-{{{_suffix}}} }
            severity: warning
        """;

    [Fact]
    public async Task Tick_TargetGoesDown_FiresAfterFailureThresholdAndResolvesAfterSuccessThreshold()
    {
        using var harness = new ProbeHarness(_azurite, T0);
        harness.Apply(Document());
        var rule = "ApiDown" + _suffix;

        var (first, firstEvents) = await harness.TickAsync();
        Assert.Equal(1, first.Ran);
        Assert.Equal([$"api-{_suffix}"], first.ProbeChanges); // unknown -> healthy
        Assert.DoesNotContain(firstEvents, e => e.Rule == rule && e.State == "firing");

        _status = 503;
        var (down1, down1Events) = await harness.TickAsync();
        Assert.Empty(down1.ProbeChanges); // one failure: a blip, nothing changes
        Assert.DoesNotContain(down1Events, e => e.Rule == rule);

        var (down2, down2Events) = await harness.TickAsync();
        Assert.Equal([$"api-{_suffix}"], down2.ProbeChanges);
        var fired = Assert.Single(down2Events, e => e.Rule == rule);
        Assert.Equal("firing", fired.State);
        Assert.Equal("critical", fired.Severity);
        Assert.Equal($"api-{_suffix}", fired.Labels["probe"]);
        Assert.Equal("api is unhealthy", fired.Annotations["summary"]);

        _status = 200;
        var (up1, up1Events) = await harness.TickAsync();
        Assert.Empty(up1.ProbeChanges);
        Assert.DoesNotContain(up1Events, e => e.Rule == rule);

        var (up2, up2Events) = await harness.TickAsync();
        Assert.Equal([$"api-{_suffix}"], up2.ProbeChanges);
        Assert.Equal("resolved", Assert.Single(up2Events, e => e.Rule == rule).State);

        var stored = (await harness.Store.GetProbeAsync($"api-{_suffix}", CancellationToken.None))!.State;
        Assert.Equal(HealthStatus.Healthy, stored.Status);
        Assert.Equal(5, stored.Runs);
        Assert.Equal("HTTP 503, expected 2xx", stored.LastError);
    }

    [Fact]
    public async Task Tick_ProbeNotDue_IsNotRunAgain()
    {
        using var harness = new ProbeHarness(_azurite, T0);
        harness.Apply(Document().Replace("every: 10s", "every: 1m", StringComparison.Ordinal));

        var runs = new List<int>();
        for (var i = 0; i < 12; i++)
        {
            runs.Add((await harness.TickAsync()).Report.Ran);
        }

        Assert.Equal(1, runs[0]); // new: at once
        Assert.InRange(runs.Skip(1).Sum(), 1, 2); // then once a minute (at its phase) over the next 110 s
        var ranAt = runs.Select((ran, tick) => (ran, tick)).Where(r => r.ran > 0).Select(r => r.tick).Skip(1).ToList();
        Assert.All(ranAt.Zip(ranAt.Skip(1), (a, b) => b - a), gap => Assert.Equal(6, gap));
    }

    [Fact]
    public async Task Tick_HeartbeatMissesItsDeadline_RuleFiresWithoutWaitingForABeat()
    {
        using var harness = new ProbeHarness(_azurite, T0);
        var config = harness.Apply(Document());
        var job = config.Heartbeats.Single();
        var rule = "JobMissing" + _suffix;

        await harness.TickAsync(); // starts watching
        var beat = await harness.Heartbeats.BeatAsync(job, false, "run 1", harness.Clock.Now, CancellationToken.None);
        Assert.Equal(HealthStatus.Healthy, beat.View.Status);
        Assert.True(beat.Changed);

        var (onTime, onTimeEvents) = await harness.TickAsync(TimeSpan.FromSeconds(50));
        Assert.Empty(onTime.HeartbeatChanges);

        var (late, lateEvents) = await harness.TickAsync(TimeSpan.FromSeconds(20));
        Assert.Equal([$"job-{_suffix}"], late.HeartbeatChanges);
        var fired = Assert.Single(lateEvents, e => e.Rule == rule);
        Assert.Equal(("firing", "warning"), (fired.State, fired.Severity));
        Assert.Equal($"job-{_suffix}", fired.Labels["heartbeat"]);
        Assert.DoesNotContain(onTimeEvents, e => e.Rule == rule);
    }

    [Fact]
    public async Task Beat_Fail_IsUnhealthyAtOnce()
    {
        using var harness = new ProbeHarness(_azurite, T0);
        var job = harness.Apply(Document()).Heartbeats.Single();

        await harness.Heartbeats.BeatAsync(job, false, null, harness.Clock.Now, CancellationToken.None);
        var failed = await harness.Heartbeats.BeatAsync(job, true, "exit code 3", harness.Clock.Now.AddSeconds(5), CancellationToken.None);

        Assert.True(failed.Changed);
        Assert.Equal(HealthStatus.Unhealthy, failed.View.Status);
        Assert.Equal("the last beat reported a failure: exit code 3", failed.View.Error);
        var statuses = await harness.Source.GetStatusesAsync(CancellationToken.None);
        Assert.Contains(statuses, s => s.Name == job.Name && s.Status == HealthStatus.Unhealthy);
    }

    [Fact]
    public async Task Beat_Concurrent_EveryBeatCounts()
    {
        using var harness = new ProbeHarness(_azurite, T0);
        var job = harness.Apply(Document()).Heartbeats.Single();

        await Task.WhenAll(Enumerable.Range(0, 10).Select(i => harness.Heartbeats.BeatAsync(job, false, "beat " + i, T0.AddSeconds(i), CancellationToken.None)));

        var row = await harness.Store.GetHeartbeatAsync(job.Name, CancellationToken.None);
        Assert.Equal(10, row!.State.State.Beats);
    }

    [Fact]
    public async Task Record_RowChangedSinceRead_AppliesTheResultOnTheFreshState()
    {
        using var harness = new ProbeHarness(_azurite, T0);
        var config = harness.Apply(Document());
        await harness.TickAsync();
        var probe = config.Probes.Single();
        var stale = await harness.Store.ListProbesAsync(CancellationToken.None);

        // Another run records in between.
        var fresh = stale[probe.Name];
        await harness.Store.SaveProbeAsync(fresh with { State = fresh.State with { Runs = 41 } }, CancellationToken.None);

        var result = new Domain.Probes.Results.ProbeResult(T0, TimeSpan.FromMilliseconds(3), HealthStatus.Healthy);
        var steps = await new ProbeRecorder(harness.Store).RecordAsync([probe], [result], stale, T0.AddMinutes(1), CancellationToken.None);

        Assert.Equal(42, steps[probe.Name].State.Runs);
        Assert.Equal(42, (await harness.Store.GetProbeAsync(probe.Name, CancellationToken.None))!.State.Runs);
    }

    [Fact]
    public async Task Status_ReportsProbesHeartbeatsAndComponentsWithSince()
    {
        using var harness = new ProbeHarness(_azurite, T0);
        harness.Apply(Document(failureThreshold: 1, successThreshold: 1));
        harness.Components.Statuses["storage-" + _suffix] = HealthStatus.Healthy;
        harness.Components.Statuses["queues-" + _suffix] = HealthStatus.Degraded;
        await harness.TickAsync();
        var componentsSeenAt = harness.Clock.Now;
        _status = 500;
        await harness.TickAsync();

        harness.Clock.Advance(TimeSpan.FromSeconds(3));
        var report = await harness.Reporter.BuildAsync(CancellationToken.None);

        Assert.Equal(HealthStatus.Unhealthy, report.Status);
        var probe = Assert.Single(report.Probes);
        Assert.Equal(("http", $"http://127.0.0.1:{_port}/health", "10s"), (probe.Type, probe.Target, probe.Every));
        Assert.Equal(HealthStatus.Unhealthy, probe.Status);
        Assert.Equal(probe.LastRun!.At, probe.Since);
        Assert.Equal("HTTP 500, expected 2xx", probe.Detail);
        Assert.Equal(500, probe.LastRun.HttpStatus);
        Assert.Equal("HTTP 500, expected 2xx", probe.LastError!.Reason);
        Assert.Equal(2, probe.Runs);

        var heartbeat = Assert.Single(report.Heartbeats);
        Assert.Equal((HealthStatus.Unknown, "waiting for the first beat", "1m"), (heartbeat.Status, heartbeat.Detail, heartbeat.ExpectEvery));
        Assert.Equal(T0.AddSeconds(10).AddMinutes(1), heartbeat.NextBeatDue);

        var queues = Assert.Single(report.Components, c => c.Name == "queues-" + _suffix);
        Assert.Equal((HealthStatus.Degraded, componentsSeenAt), (queues.Status, queues.Since));
        Assert.Equal(new Vigil.Functions.Probes.Status.StatusCounts(1, 1, 1, 1), report.Counts);
    }

    [Fact]
    public async Task Status_ProbeThatStoppedRunning_IsUnknownAfterItsStaleLimit()
    {
        using var harness = new ProbeHarness(_azurite, T0);
        harness.Apply(Document());
        await harness.TickAsync();

        harness.Clock.Advance(TimeSpan.FromMinutes(1)); // every 10s, timeout 2s: stale after 32 s
        var report = await harness.Reporter.BuildAsync(CancellationToken.None);
        var statuses = await harness.Source.GetStatusesAsync(CancellationToken.None);

        var probe = Assert.Single(report.Probes);
        Assert.Equal(HealthStatus.Unknown, probe.Status);
        Assert.StartsWith("no result since", probe.Detail, StringComparison.Ordinal);
        Assert.Contains(statuses, s => s.Name == probe.Name && s.Status == HealthStatus.Unknown);
    }

    [Fact]
    public async Task Tick_RemovedProbe_ItsRowIsForgotten()
    {
        using var harness = new ProbeHarness(_azurite, T0);
        harness.Apply(Document());
        await harness.TickAsync();
        Assert.NotNull(await harness.Store.GetProbeAsync($"api-{_suffix}", CancellationToken.None));

        harness.Apply("probes: []\n");
        await harness.TickAsync();

        Assert.Null(await harness.Store.GetProbeAsync($"api-{_suffix}", CancellationToken.None));
        Assert.Null(await harness.Store.GetHeartbeatAsync($"job-{_suffix}", CancellationToken.None));
    }

    [Fact]
    public async Task Secrets_InHeadersAndQuery_NeverInStatusStorageOrLogs()
    {
        const string token = "tok-9f8e7d6c5b4a";
        const string querySecret = "qs-1a2b3c4d5e";
        using var harness = new ProbeHarness(_azurite, T0, settings: new Dictionary<string, string?> { ["PROBE_SECRET_TOKEN"] = token });
        harness.Apply($$$"""
            probes:
              - name: secret-{{{_suffix}}}
                http:
                  url: "http://127.0.0.1:{{{_port}}}/health?key={{{querySecret}}}"
                  headers: { Authorization: "Bearer %PROBE_SECRET_TOKEN%" }
                every: 10s
              - name: refused-{{{_suffix}}}
                http:
                  url: "http://127.0.0.1:{{{TestTargets.FreePort()}}}/health?key={{{querySecret}}}"
                  headers: { Authorization: "Bearer %PROBE_SECRET_TOKEN%" }
            """);
        await harness.TickAsync();
        _status = 401;
        await harness.TickAsync();

        var report = System.Text.Json.JsonSerializer.Serialize(await harness.Reporter.BuildAsync(CancellationToken.None), Vigil.Functions.Hosting.VigilJson.Options);
        var rows = new List<string>();
        var table = await harness.Tables.GetAsync(Vigil.Functions.Storage.TableNames.ProbeStatus, CancellationToken.None);
        await foreach (var entity in table.QueryAsync())
        {
            rows.Add(string.Join(";", entity.Select(p => $"{p.Key}={p.Value}")));
        }

        Assert.Contains("HTTP 401, expected 2xx", report, StringComparison.Ordinal);
        Assert.Contains("connection refused", report, StringComparison.Ordinal);
        foreach (var secret in new[] { token, querySecret })
        {
            Assert.DoesNotContain(secret, report, StringComparison.Ordinal);
            Assert.DoesNotContain(rows, r => r.Contains(secret, StringComparison.Ordinal));
            Assert.DoesNotContain(harness.Logs, l => l.Contains(secret, StringComparison.Ordinal));
        }

        Assert.NotEmpty(harness.Logs);
    }

    [Fact]
    public void StatusRulesFor_SelectsOnlyRulesOfChangedTargets()
    {
        var config = Vigil.Domain.Configuration.ConfigReader.Load(Document()).Config!;

        Assert.Equal(["ApiDown" + _suffix], Vigil.Functions.Probes.ProbeCycle.StatusRulesFor(config.Rules, [$"api-{_suffix}"], []).Select(r => r.Name));
        Assert.Equal(["JobMissing" + _suffix], Vigil.Functions.Probes.ProbeCycle.StatusRulesFor(config.Rules, [], [$"job-{_suffix}"]).Select(r => r.Name));
        Assert.Empty(Vigil.Functions.Probes.ProbeCycle.StatusRulesFor(config.Rules, ["other"], []));
    }
}
