namespace Vigil.Functions.Configuration;

public static partial class AppSettings
{
    public static readonly AppSetting MetricsRetentionSchedule = new(
        "VIGIL_METRICS_RETENTION_SCHEDULE", "0 */15 * * * *", "Six-field NCRONTAB schedule of MetricsRetention, which deletes raw buckets older than 2 h, rollups older than 26 h and series silent for 26 h.");

    public static readonly AppSetting MetricsMergeLinger = new(
        "VIGIL_METRICS_MERGE_LINGER", "00:00:00.100", "The shortest time between two writes of the same series by one EvaluateMetrics instance (hh:mm:ss.fff): data arriving sooner waits and is merged into one write. A series written less often is written at once. Longer saves table transactions under heavy per-series message rates but holds invocations (throughput per instance <= maxConcurrentCalls / linger).");

    public static readonly AppSetting IngestKeyCacheDuration = new(
        "VIGIL_INGEST_KEY_CACHE", "00:00:30", "How long a verified ingest key is remembered by an instance (hh:mm:ss); a revoked key stops working within this time.");
}
