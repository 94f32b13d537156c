using Vigil.Domain.Notifications.Receivers;

namespace Vigil.Functions.Configuration;

public static partial class AppSettings
{
    public static readonly AppSetting NotifyFlushSchedule = new(
        "VIGIL_NOTIFY_FLUSH_SCHEDULE", "*/5 * * * * *", "Six-field NCRONTAB schedule of the FlushNotifications timer: flushes groups whose groupWait or groupInterval is due, re-enqueues parked retries and lost messages, resolves deliveries a crash left open, and prunes old records. groupWait 0s is flushed at once by the router, not by this timer.");

    public static readonly AppSetting NotifyDeliveryDeadline = new(
        "VIGIL_NOTIFY_DELIVERY_DEADLINE", "01:00:00", "How long a notification is retried (with back-off, honouring Retry-After) before it is dead-lettered and a \"delivery to X failing\" meta-alert goes to the route's fallbackReceiver (hh:mm:ss).");

    public static readonly AppSetting NotifyRetention = new(
        "VIGIL_NOTIFY_RETENTION", "7.00:00:00", "How long delivery records and the attempt log (GET /api/notifications) are kept (d.hh:mm:ss).");

    public static readonly AppSetting NotifyHttpTimeout = new(
        "VIGIL_NOTIFY_HTTP_TIMEOUT", "00:00:10", "How long a dispatcher waits for Slack, PagerDuty, a webhook or the SMTP server to answer one attempt (hh:mm:ss).");

    public static readonly AppSetting PagerDutyEventsUrl = new(
        "VIGIL_PAGERDUTY_EVENTS_URL", "https://events.pagerduty.com/v2/enqueue", "The PagerDuty Events API v2 endpoint (tests point it at a local stand-in).");

    public static readonly AppSetting ExternalUrl = new(
        "VIGIL_EXTERNAL_URL", null, "Optional: Vigil's public base URL (https://vigil.example.com), used for links in notifications and the webhook's externalURL/generatorURL.");

    public static readonly AppSetting SmtpHost = new(
        EmailIntegration.HostSetting, null, "SMTP server for email receivers (host name). Required by any email receiver: PUT /api/config rejects one without it.");

    public static readonly AppSetting SmtpPort = new(
        "SMTP_PORT", "587", "SMTP port (587 = submission with STARTTLS).");

    public static readonly AppSetting SmtpUsername = new(
        "SMTP_USERNAME", null, "SMTP AUTH user name (optional: no AUTH without it).");

    public static readonly AppSetting SmtpPassword = new(
        "SMTP_PASSWORD", null, "SMTP AUTH password (a Key Vault reference in Azure; never logged).", Secret: true);

    public static readonly AppSetting AlertFromEmail = new(
        EmailIntegration.FromSetting, null, "Sender address of alert e-mails (unless a receiver gives its own 'from').");

    public static readonly AppSetting SmtpStartTls = new(
        "SMTP_STARTTLS", "required", "required (default): the connection must be upgraded with STARTTLS before AUTH and the message, or the attempt fails; none: plain SMTP (only for a local relay).");
}
