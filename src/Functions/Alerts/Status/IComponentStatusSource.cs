using Vigil.Domain.Health;
using Vigil.Domain.Rules.Conditions;

namespace Vigil.Functions.Alerts.Status;

/// <summary>The health of one thing a status rule can follow: a probe, a heartbeat or a component.</summary>
public sealed record ComponentStatus(ComponentKind Kind, string Name, HealthStatus Status, string? Detail = null);

/// <summary>
/// A source of statuses for <c>status:</c> rules. Register implementations with
/// <c>services.AddSingleton&lt;IComponentStatusSource, T&gt;()</c>: the probes area (probe and heartbeat statuses)
/// and the system health (components of /api/health) each provide one; the evaluator asks every source.
/// A thing no source knows is <see cref="HealthStatus.Unknown"/> (no data for the rule).
/// </summary>
public interface IComponentStatusSource
{
    /// <summary>The kinds this source answers for (so a sweep without status rules of that kind never asks it).</summary>
    IReadOnlyCollection<ComponentKind> Kinds { get; }

    Task<IReadOnlyList<ComponentStatus>> GetStatusesAsync(CancellationToken cancellationToken);
}
