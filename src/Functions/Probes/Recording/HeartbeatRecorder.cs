using Vigil.Domain.Health;
using Vigil.Domain.Probes;
using Vigil.Domain.Probes.Status;
using Vigil.Storage.Tables;

namespace Vigil.Functions.Probes.Recording;

/// <summary>What a beat did: the heartbeat's view after it, and whether its status changed (what status rules follow).</summary>
public sealed record BeatOutcome(HeartbeatView View, HealthStatus Previous, long Beats)
{
    public bool Changed => View.Status != Previous;
}

/// <summary>
/// Records beats and watches deadlines. A beat is a read-modify-write of the heartbeat's row with its ETag
/// (two beats at once both count). <see cref="ObserveAsync"/> (each RunProbes tick) starts watching newly
/// configured heartbeats and notices a deadline passing, so the status rule is told without waiting for a beat.
/// </summary>
public sealed class HeartbeatRecorder
{
    private const int MaxConflictRetries = 8;
    private readonly ProbeStatusStore _store;

    public HeartbeatRecorder(ProbeStatusStore store) => _store = store;

    public async Task<BeatOutcome> BeatAsync(HeartbeatDefinition heartbeat, bool failed, string? message, DateTimeOffset now, CancellationToken cancellationToken)
    {
        for (var attempt = 0; ; attempt++)
        {
            var row = await _store.GetHeartbeatAsync(heartbeat.Name, cancellationToken)
                ?? new Stored<HeartbeatRecord>(heartbeat.Name, new HeartbeatRecord(HeartbeatTracker.Watch(now), null), default);
            var before = HeartbeatTracker.StatusAt(row.State.State, heartbeat, now);
            var state = HeartbeatTracker.Beat(row.State.State, heartbeat, failed, message, now);
            var after = HeartbeatTracker.StatusAt(state, heartbeat, now);
            try
            {
                await _store.SaveHeartbeatAsync(row with { State = new HeartbeatRecord(state, after.Status) }, cancellationToken);
                return new BeatOutcome(after, before.Status, state.Beats);
            }
            catch (TableConflictException) when (attempt < MaxConflictRetries)
            {
                // Another beat (or RunProbes) wrote first: read and apply this beat on top.
            }
        }
    }

    /// <summary>The heartbeats whose status changed since RunProbes last looked (their status rules are evaluated).</summary>
    public async Task<IReadOnlyList<string>> ObserveAsync(IReadOnlyList<HeartbeatDefinition> heartbeats, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var changed = new List<string>();
        if (heartbeats.Count == 0)
        {
            return changed;
        }

        var rows = await _store.ListHeartbeatsAsync(cancellationToken);
        foreach (var heartbeat in heartbeats)
        {
            var row = rows.TryGetValue(heartbeat.Name, out var stored)
                ? stored
                : new Stored<HeartbeatRecord>(heartbeat.Name, new HeartbeatRecord(HeartbeatTracker.Watch(now), null), default);
            var view = HeartbeatTracker.StatusAt(row.State.State, heartbeat, now);
            if (row.IsStored && row.State.ObservedStatus == view.Status)
            {
                continue;
            }

            try
            {
                await _store.SaveHeartbeatAsync(row with { State = row.State with { ObservedStatus = view.Status } }, cancellationToken);
                if (row.IsStored)
                {
                    changed.Add(heartbeat.Name);
                }
            }
            catch (TableConflictException)
            {
                // A beat arrived meanwhile and told the rules itself; the next tick looks again.
            }
        }

        return changed;
    }
}
