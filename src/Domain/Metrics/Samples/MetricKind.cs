namespace Vigil.Domain.Metrics.Samples;

/// <summary>How a series' values are read.</summary>
public enum MetricKind
{
    /// <summary>Each sample is an observation (a level, or a per-request value such as a duration): count, sum,
    /// min, max, last and a distribution sketch for percentiles.</summary>
    Gauge = 0,

    /// <summary>A cumulative, monotonic total (resets detected): increase and rate.</summary>
    Counter = 1,

    /// <summary>Each sample is an increment: increase is the sum of the samples.</summary>
    Delta = 2,

    /// <summary>A Prometheus histogram: cumulative bucket counts (<c>le</c>) on the base metric name; percentiles come
    /// from the bucket counts' increase over the window.</summary>
    Histogram = 3,
}

public static class MetricKinds
{
    public static string ToText(this MetricKind kind) => kind switch
    {
        MetricKind.Counter => "counter",
        MetricKind.Delta => "delta",
        MetricKind.Histogram => "histogram",
        _ => "gauge",
    };

    /// <summary>Parses the kinds a client may send (<c>gauge</c>, <c>counter</c>, <c>delta</c>), case-sensitive.</summary>
    public static bool TryParseClientKind(ReadOnlySpan<char> text, out MetricKind kind)
    {
        switch (text)
        {
            case "gauge":
                kind = MetricKind.Gauge;
                return true;
            case "counter":
                kind = MetricKind.Counter;
                return true;
            case "delta":
                kind = MetricKind.Delta;
                return true;
            default:
                kind = MetricKind.Gauge;
                return false;
        }
    }

    /// <summary>Parses any kind name including <c>histogram</c> (stored data, messages).</summary>
    public static bool TryParse(ReadOnlySpan<char> text, out MetricKind kind)
    {
        if (text.SequenceEqual("histogram"))
        {
            kind = MetricKind.Histogram;
            return true;
        }

        return TryParseClientKind(text, out kind);
    }
}
