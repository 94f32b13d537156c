namespace Vigil.Functions.Storage;

public static partial class TableNames
{
    /// <summary>Metric series: a partition per series (raw buckets, rollups, meta row) and an index partition per metric name (docs/architecture.md).</summary>
    public const string MetricSeries = "VigilSeries";

    /// <summary>Ingest API keys (hashed), one row per key.</summary>
    public const string IngestKeys = "VigilIngestKeys";
}
