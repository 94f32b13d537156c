using Vigil.Domain.Health;
using Vigil.Domain.Probes;
using Vigil.Domain.Probes.Results;
using Vigil.Domain.Probes.Status;
using Vigil.Domain.Time;
using Vigil.Functions.Alerts.Config;
using Vigil.Functions.Probes.Recording;

namespace Vigil.Functions.Probes.Status;

/// <summary>The body of <c>GET /api/status</c>.</summary>
public sealed record StatusReport(
    HealthStatus Status,
    DateTimeOffset CheckedAt,
    StatusCounts Counts,
    IReadOnlyList<ProbeStatusView> Probes,
    IReadOnlyList<HeartbeatStatusView> Heartbeats,
    IReadOnlyList<ComponentStatusView> Components);

public sealed record StatusCounts(int Healthy, int Degraded, int Unhealthy, int Unknown);

/// <summary>A problem and when it was seen.</summary>
public sealed record ProblemView(DateTimeOffset At, string Reason);

public sealed record ProbeRunView(DateTimeOffset At, HealthStatus Status, double DurationMs, int? HttpStatus, double? CertDaysLeft, string? Error);

/// <summary>
/// A probe: its status and since when, why (when not healthy), its last run and its last problem (kept after
/// recovery, so blips that changed nothing are visible). <see cref="Target"/> has no query string, credentials or headers.
/// </summary>
public sealed record ProbeStatusView(
    string Name,
    string Type,
    string Target,
    string Every,
    HealthStatus Status,
    DateTimeOffset? Since,
    string? Detail,
    ProbeRunView? LastRun,
    ProblemView? LastError,
    long Runs);

public sealed record BeatView(DateTimeOffset At, string Status, string? Message);

public sealed record HeartbeatStatusView(
    string Name,
    string ExpectEvery,
    string Grace,
    HealthStatus Status,
    DateTimeOffset? Since,
    string? Detail,
    DateTimeOffset? NextBeatDue,
    BeatView? LastBeat,
    ProblemView? LastError,
    long Beats);

public sealed record ComponentStatusView(string Name, HealthStatus Status, DateTimeOffset Since, string? Detail);

/// <summary>
/// Builds the status view: every configured probe and heartbeat, and every component of Vigil's own health, each
/// with status, since when, last result and last error; the overall status by the seeds' rule
/// (<see cref="HealthStatusRules.Overall"/>: any unhealthy, else any degraded, else healthy).
/// </summary>
public sealed class StatusReporter
{
    private readonly ConfigProvider _config;
    private readonly ProbeStatusStore _store;
    private readonly ComponentObserver _components;
    private readonly ProbeTiming _timing;
    private readonly TimeProvider _time;

    public StatusReporter(ConfigProvider config, ProbeStatusStore store, ComponentObserver components, ProbeTiming timing, TimeProvider time)
    {
        _config = config;
        _store = store;
        _components = components;
        _timing = timing;
        _time = time;
    }

    public async Task<StatusReport> BuildAsync(CancellationToken cancellationToken)
    {
        var now = _time.GetUtcNow();
        var config = (await _config.GetAsync(cancellationToken)).Config;
        var componentsTask = _components.ObserveAsync(now, cancellationToken);
        var probeRows = await _store.ListProbesAsync(cancellationToken);
        var heartbeatRows = await _store.ListHeartbeatsAsync(cancellationToken);

        var probes = config.Probes.Select(p => Probe(p, probeRows.TryGetValue(p.Name, out var row) ? row.State : ProbeState.Initial, now)).ToList();
        var heartbeats = config.Heartbeats.Select(h => Heartbeat(h, heartbeatRows.TryGetValue(h.Name, out var row) ? row.State.State : null, now)).ToList();
        var components = (await componentsTask).Select(c => new ComponentStatusView(c.Name, c.Status, c.Since, c.Detail)).ToList();

        var all = probes.Select(p => p.Status).Concat(heartbeats.Select(h => h.Status)).Concat(components.Select(c => c.Status)).ToList();
        var counts = new StatusCounts(
            all.Count(s => s == HealthStatus.Healthy),
            all.Count(s => s == HealthStatus.Degraded),
            all.Count(s => s == HealthStatus.Unhealthy),
            all.Count(s => s == HealthStatus.Unknown));
        return new StatusReport(HealthStatusRules.Overall(all), now, counts, probes, heartbeats, components);
    }

    private ProbeStatusView Probe(ProbeDefinition probe, ProbeState state, DateTimeOffset now)
    {
        var staleAfter = _timing.StaleAfter(probe);
        var last = state.LastResult;
        HealthStatus status;
        DateTimeOffset? since;
        string? detail;
        if (last is null)
        {
            (status, since, detail) = (HealthStatus.Unknown, null, "not run yet");
        }
        else if (ProbeTracker.IsStale(state, now, staleAfter))
        {
            (status, since, detail) = (HealthStatus.Unknown, last.CompletedAt + staleAfter, $"no result since {last.CompletedAt:u}: is RunProbes running?");
        }
        else
        {
            status = state.Status;
            since = state.Since;
            detail = status switch
            {
                HealthStatus.Healthy => null,
                HealthStatus.Unknown => $"{state.UnhealthyRuns} of {probe.FailureThreshold} failures before unhealthy: {last.Error}",
                _ when last.Status == HealthStatus.Healthy => $"recovering: {state.HealthyRuns} of {probe.SuccessThreshold} healthy runs; last problem: {state.LastError}",
                _ => last.Error ?? state.LastError,
            };
        }

        return new ProbeStatusView(
            probe.Name,
            probe.Kind,
            probe.Target.Describe(),
            DurationText.Format(probe.Every),
            status,
            since,
            detail,
            last is null ? null : Run(last),
            state.LastErrorAt is { } at && state.LastError is { } error ? new ProblemView(at, error) : null,
            state.Runs);
    }

    private static ProbeRunView Run(ProbeResult result) =>
        new(result.CompletedAt, result.Status, Math.Round(result.Duration.TotalMilliseconds, 1), result.HttpStatus, result.CertDaysLeft, result.Error);

    private static HeartbeatStatusView Heartbeat(HeartbeatDefinition heartbeat, HeartbeatState? state, DateTimeOffset now)
    {
        var view = state is null ? new HeartbeatView(HealthStatus.Unknown, null, "not watched yet: RunProbes starts watching it on its next run", null) : HeartbeatTracker.StatusAt(state, heartbeat, now);
        var detail = view.Error ?? (view.Status == HealthStatus.Unknown && state is not null ? "waiting for the first beat" : null);
        var lastBeat = state?.LastBeatAt is { } beatAt ? new BeatView(beatAt, state.LastBeatFailed ? "fail" : "ok", state.LastMessage) : null;
        ProblemView? lastError = view.Status == HealthStatus.Unhealthy && view.Since is { } since && view.Error is { } current
            ? new ProblemView(since, current)
            : state?.LastErrorAt is { } at && state.LastError is { } error ? new ProblemView(at, error) : null;
        return new HeartbeatStatusView(
            heartbeat.Name,
            DurationText.Format(heartbeat.ExpectEvery),
            DurationText.Format(heartbeat.Grace),
            view.Status,
            view.Since,
            detail,
            view.Deadline,
            lastBeat,
            lastError,
            state?.Beats ?? 0);
    }
}
