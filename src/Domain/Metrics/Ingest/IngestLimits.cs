namespace Vigil.Domain.Metrics.Ingest;

/// <summary>
/// The documented ingest limits (docs/ingest.md). Each one, when exceeded, gives a specific error naming the limit.
/// </summary>
public sealed record IngestLimits
{
    public static readonly IngestLimits Default = new();

    /// <summary>Largest request body as sent (compressed or not): 413 above it.</summary>
    public int MaxBodyBytes { get; init; } = 4 * 1024 * 1024;

    /// <summary>Largest body after gzip decompression: 413 above it (a decompression bomb stops here).</summary>
    public int MaxDecompressedBytes { get; init; } = 32 * 1024 * 1024;

    /// <summary>Samples in one request (each Influx numeric field and each Prometheus line is a sample): 413 above it.</summary>
    public int MaxSamplesPerRequest { get; init; } = 200_000;

    /// <summary>Distinct series in one request: 413 above it.</summary>
    public int MaxSeriesPerRequest { get; init; } = 20_000;

    /// <summary>Labels on one sample (not counting <c>source</c>, which the API key adds).</summary>
    public int MaxLabelsPerSample { get; init; } = 32;

    public int MaxMetricNameLength { get; init; } = 200;

    public int MaxLabelNameLength { get; init; } = 100;

    /// <summary>Characters in one label value.</summary>
    public int MaxLabelValueLength { get; init; } = 1024;

    /// <summary>Bytes in one line of Influx line protocol or Prometheus text.</summary>
    public int MaxLineLength { get; init; } = 64 * 1024;

    /// <summary>How old a sample may be (late samples within it land in their bucket).</summary>
    public TimeSpan MaxAge { get; init; } = TimeSpan.FromHours(1);

    /// <summary>How far in the future a sample may be (clock skew).</summary>
    public TimeSpan MaxFuture { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>Errors listed in one response (the total is always given).</summary>
    public int MaxErrorsReported { get; init; } = 100;
}
