using Vigil.Domain.Metrics.Query;

namespace Vigil.Functions.Metrics;

/// <summary>
/// Reads the series store for the rule engine and the API: an aggregate of a metric's series matching a selector over a
/// window ending at <c>end</c>, grouped by labels; and the series a selector matches.
/// </summary>
public interface ISeriesQuery
{
    /// <summary>
    /// One <see cref="GroupValue"/> per label group (a single group with no labels when <paramref name="groupBy"/> is
    /// empty); an empty list when no series matches. A group whose series have no data in the window has a null value.
    /// Windows up to 1 h read 10 s buckets, longer ones (up to 24 h) 5 min rollups; every bucket overlapping the window
    /// is read. A window outside (0, 24 h] throws <see cref="ArgumentOutOfRangeException"/>.
    /// </summary>
    Task<IReadOnlyList<GroupValue>> QueryAsync(SeriesSelector selector, Aggregation aggregation, TimeSpan window, IReadOnlyList<string> groupBy, DateTimeOffset end, CancellationToken ct);

    /// <summary>Every series of the selector's metric whose labels match, with its latest value.</summary>
    Task<IReadOnlyList<SeriesInfo>> ListSeriesAsync(SeriesSelector selector, CancellationToken ct);
}
