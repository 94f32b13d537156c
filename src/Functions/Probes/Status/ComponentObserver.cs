using Vigil.Domain.Health;
using Vigil.Domain.Rules.Conditions;
using Vigil.Functions.Alerts.Status;
using Vigil.Functions.Probes.Recording;
using Vigil.Storage.Tables;

namespace Vigil.Functions.Probes.Status;

/// <summary>A component of Vigil's own health as the status view shows it.</summary>
public sealed record ObservedComponent(string Name, HealthStatus Status, DateTimeOffset Since, string? Detail);

/// <summary>
/// Reads the components of Vigil's own health (every <see cref="IComponentStatusSource"/> answering for
/// components) and remembers since when each has its status: a row per component, rewritten only when the status
/// changes. RunProbes looks every tick, so "since" is accurate to a tick even when nobody reads /api/status.
/// </summary>
public sealed class ComponentObserver
{
    private readonly IEnumerable<IComponentStatusSource> _sources;
    private readonly ProbeStatusStore _store;

    public ComponentObserver(IEnumerable<IComponentStatusSource> sources, ProbeStatusStore store)
    {
        _sources = sources;
        _store = store;
    }

    public async Task<IReadOnlyList<ObservedComponent>> ObserveAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        var current = new List<ComponentStatus>();
        foreach (var source in _sources.Where(s => s.Kinds.Contains(ComponentKind.Component)))
        {
            current.AddRange((await source.GetStatusesAsync(cancellationToken)).Where(s => s.Kind == ComponentKind.Component));
        }

        var rows = await _store.ListComponentsAsync(cancellationToken);
        var observed = new List<ObservedComponent>();
        foreach (var component in current.OrderBy(c => c.Name, StringComparer.Ordinal))
        {
            if (rows.TryGetValue(component.Name, out var row) && row.State.Status == component.Status)
            {
                observed.Add(new ObservedComponent(component.Name, component.Status, row.State.Since, component.Detail));
                continue;
            }

            var stored = (row ?? new Stored<ComponentRecord>(component.Name, null!, default)) with { State = new ComponentRecord(component.Status, now, component.Detail) };
            try
            {
                await _store.SaveComponentAsync(stored, cancellationToken);
            }
            catch (TableConflictException)
            {
                // Another observer recorded the change at the same moment; its "since" is as good as ours.
            }

            observed.Add(new ObservedComponent(component.Name, component.Status, now, component.Detail));
        }

        return observed;
    }
}
