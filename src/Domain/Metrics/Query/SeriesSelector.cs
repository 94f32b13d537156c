using Vigil.Domain.Labels;

namespace Vigil.Domain.Metrics.Query;

/// <summary>A metric name and label matchers: which series a query or rule reads.</summary>
public sealed record SeriesSelector(string Metric, IReadOnlyList<LabelMatcher> Matchers)
{
    public bool Matches(string metric, LabelSet labels) => metric == Metric && LabelMatcher.MatchesAll(Matchers, labels);

    public override string ToString() => Metric + "{" + string.Join(", ", Matchers) + "}";
}

/// <summary>
/// The result of a query for one label group: the aggregate (null when the group had no data in the window),
/// how many series and samples fed it.
/// </summary>
public sealed record GroupValue(LabelSet Group, double? Value, int SeriesCount, long SampleCount);

/// <summary>What is known about one series without reading its buckets.</summary>
public sealed record SeriesInfo(string Metric, LabelSet Labels, string Fingerprint, DateTimeOffset LastSeen, double? LastValue);
