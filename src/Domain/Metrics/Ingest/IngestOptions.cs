using Vigil.Domain.Labels;

namespace Vigil.Domain.Metrics.Ingest;

/// <summary>Timestamp precision of Influx line protocol (<c>?precision=</c>).</summary>
public enum InfluxPrecision
{
    Nanoseconds,
    Microseconds,
    Milliseconds,
    Seconds,
}

/// <summary>What one parse needs besides the body: the time it was received, the limits, and labels every series gets.</summary>
public sealed record IngestOptions(long ReceivedAtMs, IngestLimits Limits, LabelSet ExtraLabels)
{
    public IngestOptions(long receivedAtMs)
        : this(receivedAtMs, IngestLimits.Default, LabelSet.Empty)
    {
    }

    public InfluxPrecision Precision { get; init; } = InfluxPrecision.Nanoseconds;

    public static bool TryParsePrecision(string? text, out InfluxPrecision precision)
    {
        precision = InfluxPrecision.Nanoseconds;
        switch (text)
        {
            case null or "" or "ns" or "n":
                return true;
            case "us" or "u" or "µs":
                precision = InfluxPrecision.Microseconds;
                return true;
            case "ms":
                precision = InfluxPrecision.Milliseconds;
                return true;
            case "s":
                precision = InfluxPrecision.Seconds;
                return true;
            default:
                return false;
        }
    }
}
