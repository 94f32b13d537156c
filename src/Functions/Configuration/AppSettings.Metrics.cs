namespace Vigil.Functions.Configuration;

public static partial class AppSettings
{
    public static readonly AppSetting MetricsRetentionSchedule = new(
        "VIGIL_METRICS_RETENTION_SCHEDULE", "0 */15 * * * *", "Six-field NCRONTAB schedule of MetricsRetention, which deletes raw buckets older than 2 h, rollups older than 26 h and series silent for 26 h.");

    public static readonly AppSetting MetricsWritesPerBucket = new(
        "VIGIL_METRICS_WRITES_PER_BUCKET", "2", "At most this many table writes (entity group transactions) per series per 10 s bucket by one EvaluateMetrics instance, whatever the message rate (1-10; 0 turns pacing off: every write starts as soon as the previous one of the series ended). A quiet series is written at once; a busy one at flush points that divide the bucket (2: its start and midpoint), so its messages wait up to 10 s / this value (and up to 10 s when a series turns busy). The held invocations need host.json maxConcurrentCalls >= message rate x that wait.");

    public static readonly AppSetting IngestKeyCacheDuration = new(
        "VIGIL_INGEST_KEY_CACHE", "00:00:30", "How long a verified ingest key is remembered by an instance (hh:mm:ss); a revoked key stops working within this time.");
}
