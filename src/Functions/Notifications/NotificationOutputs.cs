using Vigil.Domain.Notifications.Receivers;

namespace Vigil.Functions.Notifications;

/// <summary>
/// The output bindings of functions that enqueue notifications (RouteAlerts, FlushNotifications): one per channel
/// queue, <c>{"type":"serviceBus","direction":"out","name":"notifySlack","queueName":"notify-slack",...}</c>.
/// </summary>
public static class NotificationOutputs
{
    public const string Slack = "notifySlack";
    public const string PagerDuty = "notifyPagerDuty";
    public const string Email = "notifyEmail";
    public const string Webhook = "notifyWebhook";
    public const string Log = "notifyLog";

    public static string For(ChannelKind channel) => channel switch
    {
        ChannelKind.Slack => Slack,
        ChannelKind.PagerDuty => PagerDuty,
        ChannelKind.Email => Email,
        ChannelKind.Webhook => Webhook,
        _ => Log,
    };
}

/// <summary>The message on a channel queue: which notification to deliver (its content is in the delivery record).</summary>
public sealed record DeliveryMessage(string NotificationId, string Channel);
