using Vigil.Domain.Labels;
using Vigil.Domain.Metrics.Query;
using Vigil.Domain.Rules.Conditions;
using Vigil.Functions.Alerts.Status;
using Vigil.Functions.Metrics;

namespace Vigil.Functions.Tests.Alerts;

/// <summary>An in-memory series store: the value each (metric, group) has now, and when each series was last seen.</summary>
public sealed class FakeSeriesQuery : ISeriesQuery
{
    private readonly object _gate = new();

    public Dictionary<(string Metric, LabelSet Group), double> Values { get; } = [];

    public List<SeriesInfo> Series { get; } = [];

    public int Queries { get; private set; }

    public void Set(string metric, double? value, params (string Name, string Value)[] group)
    {
        lock (_gate)
        {
            var key = (metric, LabelSet.From(group));
            if (value is { } v)
            {
                Values[key] = v;
            }
            else
            {
                Values.Remove(key);
            }
        }
    }

    public Task<IReadOnlyList<GroupValue>> QueryAsync(SeriesSelector selector, Aggregation aggregation, TimeSpan window, IReadOnlyList<string> groupBy, DateTimeOffset end, CancellationToken ct)
    {
        lock (_gate)
        {
            Queries++;
            IReadOnlyList<GroupValue> result = [.. Values.Where(v => v.Key.Metric == selector.Metric).Select(v => new GroupValue(v.Key.Group, v.Value, 1, 1))];
            return Task.FromResult(result);
        }
    }

    public Task<IReadOnlyList<SeriesInfo>> ListSeriesAsync(SeriesSelector selector, CancellationToken ct)
    {
        lock (_gate)
        {
            IReadOnlyList<SeriesInfo> result = [.. Series.Where(s => selector.Matches(s.Metric, s.Labels))];
            return Task.FromResult(result);
        }
    }
}

/// <summary>Statuses set by the test.</summary>
public sealed class FakeStatusSource : IComponentStatusSource
{
    public Dictionary<(ComponentKind, string), Vigil.Domain.Health.HealthStatus> Statuses { get; } = [];

    public IReadOnlyCollection<ComponentKind> Kinds => [ComponentKind.Probe, ComponentKind.Heartbeat, ComponentKind.Component];

    public Task<IReadOnlyList<ComponentStatus>> GetStatusesAsync(CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<ComponentStatus>>([.. Statuses.Select(s => new ComponentStatus(s.Key.Item1, s.Key.Item2, s.Value))]);
}
