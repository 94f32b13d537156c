using Vigil.Domain.Notifications.Receivers;

namespace Vigil.Functions.Messaging;

public static partial class QueueNames
{
    /// <summary>Notifications for Slack receivers (DispatchSlack). One queue per channel, so a failing channel never delays another.</summary>
    public const string NotifySlack = "notify-slack";

    /// <summary>Notifications for PagerDuty receivers (DispatchPagerDuty).</summary>
    public const string NotifyPagerDuty = "notify-pagerduty";

    /// <summary>Notifications for email receivers (DispatchEmail).</summary>
    public const string NotifyEmail = "notify-email";

    /// <summary>Notifications for webhook receivers (DispatchWebhook).</summary>
    public const string NotifyWebhook = "notify-webhook";

    /// <summary>Notifications for log receivers (DispatchLog).</summary>
    public const string NotifyLog = "notify-log";

    public static string For(ChannelKind channel) => channel switch
    {
        ChannelKind.Slack => NotifySlack,
        ChannelKind.PagerDuty => NotifyPagerDuty,
        ChannelKind.Email => NotifyEmail,
        ChannelKind.Webhook => NotifyWebhook,
        _ => NotifyLog,
    };
}
