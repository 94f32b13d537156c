namespace Vigil.Functions.Configuration;

public static partial class AppSettings
{
    public static readonly AppSetting MetricsRetentionSchedule = new(
        "VIGIL_METRICS_RETENTION_SCHEDULE", "0 */15 * * * *", "Six-field NCRONTAB schedule of MetricsRetention, which deletes raw buckets older than 2 h, rollups older than 26 h and series silent for 26 h.");

    public static readonly AppSetting MetricsMergeLinger = new(
        "VIGIL_METRICS_MERGE_LINGER", "00:00:00", "How long EvaluateMetrics waits to gather more messages for the same series before writing (hh:mm:ss.fff). 0: write at once; messages that arrive while a write is running are merged into the next one anyway.");

    public static readonly AppSetting IngestKeyCacheDuration = new(
        "VIGIL_INGEST_KEY_CACHE", "00:00:30", "How long a verified ingest key is remembered by an instance (hh:mm:ss); a revoked key stops working within this time.");
}
