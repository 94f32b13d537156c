using Vigil.Domain.Health;
using Vigil.Domain.Probes.Status;
using Vigil.Domain.Rules.Conditions;
using Vigil.Functions.Alerts.Config;
using Vigil.Functions.Alerts.Status;
using Vigil.Functions.Probes.Recording;

namespace Vigil.Functions.Probes.Status;

/// <summary>
/// Probe and heartbeat statuses for <c>status:</c> rules: the smoothed status of each configured probe (unknown
/// when it has not run for its stale limit) and the status of each heartbeat at this moment (a deadline that has
/// just passed counts, whether or not RunProbes has noticed it yet).
/// </summary>
public sealed class ProbeStatusSource : IComponentStatusSource
{
    private static readonly ComponentKind[] ProbeKinds = [ComponentKind.Probe, ComponentKind.Heartbeat];

    private readonly ConfigProvider _config;
    private readonly ProbeStatusStore _store;
    private readonly ProbeTiming _timing;
    private readonly TimeProvider _time;

    public ProbeStatusSource(ConfigProvider config, ProbeStatusStore store, ProbeTiming timing, TimeProvider time)
    {
        _config = config;
        _store = store;
        _timing = timing;
        _time = time;
    }

    public IReadOnlyCollection<ComponentKind> Kinds => ProbeKinds;

    public async Task<IReadOnlyList<ComponentStatus>> GetStatusesAsync(CancellationToken cancellationToken)
    {
        var config = (await _config.GetAsync(cancellationToken)).Config;
        var now = _time.GetUtcNow();
        var statuses = new List<ComponentStatus>();
        if (config.Probes.Count > 0)
        {
            var probes = await _store.ListProbesAsync(cancellationToken);
            foreach (var probe in config.Probes)
            {
                var state = probes.TryGetValue(probe.Name, out var row) ? row.State : ProbeState.Initial;
                var status = ProbeTracker.CurrentStatus(state, now, _timing.StaleAfter(probe));
                statuses.Add(new ComponentStatus(ComponentKind.Probe, probe.Name, status, status is HealthStatus.Healthy or HealthStatus.Unknown ? null : state.LastResult?.Error));
            }
        }

        if (config.Heartbeats.Count > 0)
        {
            var heartbeats = await _store.ListHeartbeatsAsync(cancellationToken);
            foreach (var heartbeat in config.Heartbeats)
            {
                var view = heartbeats.TryGetValue(heartbeat.Name, out var row)
                    ? HeartbeatTracker.StatusAt(row.State.State, heartbeat, now)
                    : new HeartbeatView(HealthStatus.Unknown, null, null, null);
                statuses.Add(new ComponentStatus(ComponentKind.Heartbeat, heartbeat.Name, view.Status, view.Error));
            }
        }

        return statuses;
    }
}
