using Vigil.Domain.Notifications.Notify;
using Vigil.Domain.Notifications.Receivers;
using Vigil.Domain.Notifications.Rendering;
using Vigil.Domain.Notifications.Retry;
using Vigil.Functions.Configuration;

namespace Vigil.Functions.Notifications.Notifiers;

/// <summary>PagerDuty Events API v2 (<see cref="PagerDutyEvent"/>): 202 is delivered, 400 not retried, 429 and 5xx retried.</summary>
public sealed class PagerDutyNotifier : HttpNotifier
{
    public PagerDutyNotifier(HttpPoster http, SettingsSecrets secrets)
        : base(http, secrets)
    {
    }

    public override ChannelKind Channel => ChannelKind.PagerDuty;

    public override PreparedSend Prepare(Notification notification, ReceiverDefinition receiver)
    {
        var pagerDuty = (PagerDutyIntegration)receiver.Integration;
        var key = Secrets.Resolve(pagerDuty.RoutingKey, "the PagerDuty routing key", out var problem);
        if (key is null)
        {
            return PreparedSend.Failed(DeliveryClassifier.Misconfigured(problem!));
        }

        if (!Uri.TryCreate(Secrets.Get(AppSettings.PagerDutyEventsUrl), UriKind.Absolute, out var url))
        {
            return PreparedSend.Failed(DeliveryClassifier.Misconfigured($"{AppSettings.PagerDutyEventsUrl.Name} is not an absolute URL"));
        }

        var body = PagerDutyEvent.Render(notification, key, pagerDuty, Secrets.Get(AppSettings.ExternalUrl)).ToJsonString();
        return PreparedSend.Ready(new HttpPost(url, body, NoHeaders), key);
    }
}
