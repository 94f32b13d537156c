using Vigil.Domain.Labels;
using Vigil.Domain.Metrics.Query;
using Vigil.Functions.Hosting;

// TEMPORARY minimal copies of the metrics pipeline's seams (issue 3, branch metrics), only so the alerts area
// compiles before that branch is merged. Delete this file when merging the real ones.
namespace Vigil.Functions.Metrics;

/// <summary>Reads windowed series (implemented by the metrics pipeline).</summary>
public interface ISeriesQuery
{
    Task<IReadOnlyList<GroupValue>> QueryAsync(SeriesSelector selector, Aggregation aggregation, TimeSpan window, IReadOnlyList<string> groupBy, DateTimeOffset end, CancellationToken ct);

    Task<IReadOnlyList<SeriesInfo>> ListSeriesAsync(SeriesSelector selector, CancellationToken ct);
}

/// <summary>One series the metrics evaluator just merged data into.</summary>
public sealed record SeriesUpdate(string Metric, LabelSet Labels, string Fingerprint, string Kind);

/// <summary>Called by the metrics evaluator after it merged a message.</summary>
public interface ISeriesUpdateObserver
{
    Task OnSeriesUpdatedAsync(IReadOnlyList<SeriesUpdate> updates, InvocationResult outputs, CancellationToken ct);
}

/// <summary>Stands in until the metrics pipeline provides the real query: no series, so rules see no data.</summary>
public sealed class NoSeriesQuery : ISeriesQuery
{
    public Task<IReadOnlyList<GroupValue>> QueryAsync(SeriesSelector selector, Aggregation aggregation, TimeSpan window, IReadOnlyList<string> groupBy, DateTimeOffset end, CancellationToken ct) =>
        Task.FromResult<IReadOnlyList<GroupValue>>([]);

    public Task<IReadOnlyList<SeriesInfo>> ListSeriesAsync(SeriesSelector selector, CancellationToken ct) =>
        Task.FromResult<IReadOnlyList<SeriesInfo>>([]);
}
