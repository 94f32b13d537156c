using Vigil.Domain.Rules.Conditions;
using Vigil.Functions.Health;

namespace Vigil.Functions.Alerts.Status;

/// <summary>The components of Vigil's own health (/api/health: storage, pipeline, timers, queues) as status-rule targets.</summary>
public sealed class SystemHealthStatusSource : IComponentStatusSource
{
    private static readonly ComponentKind[] OnlyComponents = [ComponentKind.Component];
    private readonly HealthReporter _reporter;

    public SystemHealthStatusSource(HealthReporter reporter) => _reporter = reporter;

    public IReadOnlyCollection<ComponentKind> Kinds => OnlyComponents;

    public async Task<IReadOnlyList<ComponentStatus>> GetStatusesAsync(CancellationToken cancellationToken)
    {
        var report = await _reporter.CheckAsync(cancellationToken);
        return [.. report.Components.Select(c => new ComponentStatus(ComponentKind.Component, c.Key, c.Value.Status, c.Value.Detail))];
    }
}
