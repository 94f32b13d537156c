using Vigil.Domain.Probes;
using Vigil.Domain.Probes.Results;
using Vigil.Domain.Probes.Status;
using Vigil.Storage.Tables;

namespace Vigil.Functions.Probes.Recording;

/// <summary>
/// Applies run results to the stored probe states (<see cref="ProbeTracker.Next"/>) and writes them, 100 rows per
/// transaction. When a row changed since it was read (another run raced this one), that result is applied again on
/// a fresh read, so no result is lost and each status change is reported by the writer that made it.
/// </summary>
public sealed class ProbeRecorder
{
    private const int MaxConflictRetries = 5;
    private readonly ProbeStatusStore _store;

    public ProbeRecorder(ProbeStatusStore store) => _store = store;

    /// <summary>Records the results; returns each probe's step (the new state and whether its status changed).</summary>
    public async Task<IReadOnlyDictionary<string, ProbeStep>> RecordAsync(
        IReadOnlyList<ProbeDefinition> probes,
        IReadOnlyList<ProbeResult> results,
        IReadOnlyDictionary<string, Stored<ProbeState>> stored,
        DateTimeOffset scheduledAt,
        CancellationToken cancellationToken)
    {
        var steps = new Dictionary<string, ProbeStep>(StringComparer.Ordinal);
        var rows = new List<Stored<ProbeState>>(probes.Count);
        var byName = new Dictionary<string, (ProbeDefinition Probe, ProbeResult Result)>(StringComparer.Ordinal);
        for (var i = 0; i < probes.Count; i++)
        {
            var probe = probes[i];
            var previous = stored.TryGetValue(probe.Name, out var row) ? row : new Stored<ProbeState>(probe.Name, ProbeState.Initial, default);
            var step = ProbeTracker.Next(previous.State, results[i], probe.FailureThreshold, probe.SuccessThreshold, scheduledAt);
            steps[probe.Name] = step;
            rows.Add(previous with { State = step.State });
            byName[probe.Name] = (probe, results[i]);
        }

        foreach (var conflict in await _store.SaveProbesAsync(rows, cancellationToken))
        {
            var (probe, result) = byName[conflict.Name];
            steps[conflict.Name] = await RetryAsync(probe, result, scheduledAt, cancellationToken);
        }

        return steps;
    }

    private async Task<ProbeStep> RetryAsync(ProbeDefinition probe, ProbeResult result, DateTimeOffset scheduledAt, CancellationToken cancellationToken)
    {
        for (var attempt = 0; ; attempt++)
        {
            var fresh = await _store.GetProbeAsync(probe.Name, cancellationToken) ?? new Stored<ProbeState>(probe.Name, ProbeState.Initial, default);
            var step = ProbeTracker.Next(fresh.State, result, probe.FailureThreshold, probe.SuccessThreshold, scheduledAt);
            try
            {
                await _store.SaveProbeAsync(fresh with { State = step.State }, cancellationToken);
                return step;
            }
            catch (TableConflictException) when (attempt < MaxConflictRetries)
            {
                // Changed again meanwhile: read and decide once more.
            }
        }
    }
}
