using Vigil.Domain.Notifications.Notify;
using Vigil.Domain.Notifications.Receivers;
using Vigil.Domain.Notifications.Rendering;
using Vigil.Domain.Notifications.Retry;
using Vigil.Functions.Configuration;

namespace Vigil.Functions.Notifications.Notifiers;

/// <summary>PagerDuty Events API v2 (<see cref="PagerDutyEvent"/>): 202 is delivered, 400 not retried, 429 and 5xx retried.</summary>
public sealed class PagerDutyNotifier : INotifier
{
    private static readonly Dictionary<string, string> NoHeaders = [];
    private readonly HttpPoster _http;
    private readonly SettingsSecrets _secrets;

    public PagerDutyNotifier(HttpPoster http, SettingsSecrets secrets)
    {
        _http = http;
        _secrets = secrets;
    }

    public ChannelKind Channel => ChannelKind.PagerDuty;

    public PreparedSend Prepare(Notification notification, ReceiverDefinition receiver)
    {
        var pagerDuty = (PagerDutyIntegration)receiver.Integration;
        var key = _secrets.Resolve(pagerDuty.RoutingKey, "the PagerDuty routing key", out var problem);
        if (key is null)
        {
            return PreparedSend.Failed(DeliveryClassifier.Misconfigured(problem!));
        }

        if (!Uri.TryCreate(_secrets.Get(AppSettings.PagerDutyEventsUrl), UriKind.Absolute, out var url))
        {
            return PreparedSend.Failed(DeliveryClassifier.Misconfigured($"{AppSettings.PagerDutyEventsUrl.Name} is not an absolute URL"));
        }

        var body = PagerDutyEvent.Render(notification, key, pagerDuty, _secrets.Get(AppSettings.ExternalUrl)).ToJsonString();
        return PreparedSend.Ready(new HttpPost(url, body, NoHeaders), key);
    }

    public Task<DeliveryOutcome> SendAsync(PreparedSend prepared, CancellationToken cancellationToken) =>
        _http.PostAsync((HttpPost)prepared.Payload!, cancellationToken);
}
