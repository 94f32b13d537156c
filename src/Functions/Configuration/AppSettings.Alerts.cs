namespace Vigil.Functions.Configuration;

public static partial class AppSettings
{
    public static readonly AppSetting AlertSweepSchedule = new(
        "VIGIL_ALERT_SWEEP_SCHEDULE", "*/15 * * * * *", "Six-field NCRONTAB schedule of the AlertSweep timer: re-evaluates every rule for time-driven transitions (pending periods without new data, absence, keepFiringFor expiry, flapping settling) and resolves alerts of removed rules.");

    public static readonly AppSetting AlertHistoryRetention = new(
        "VIGIL_ALERT_HISTORY_RETENTION", "30.00:00:00", "How long alert history (GET /api/alerts/history) is kept (d.hh:mm:ss); older days are deleted by the sweep.");

    public static readonly AppSetting ResolvedAlertRetention = new(
        "VIGIL_RESOLVED_ALERT_RETENTION", "1.00:00:00", "How long a resolved or inactive alert instance stays listed in GET /api/alerts before its state is dropped (d.hh:mm:ss).");

    public static readonly AppSetting AlertEventResendAfter = new(
        "VIGIL_ALERT_EVENT_RESEND_AFTER", "00:01:30", "Every alert event is sent once more by the sweep this long after its transition (same eventId; consumers dedupe), so an event whose output was lost when the host died after the state was stored still arrives. Longer than the lock duration of the queues that evaluate alerts (1 min). 00:00:00 turns it off.");

    public static readonly AppSetting ConfigCacheDuration = new(
        "VIGIL_CONFIG_CACHE", "00:00:05", "How long an instance reuses the configuration it read before checking Table Storage for a newer version (hh:mm:ss). A PUT takes effect at once on the instance that served it.");
}
