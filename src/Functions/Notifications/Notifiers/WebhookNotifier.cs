using Vigil.Domain.Notifications.Notify;
using Vigil.Domain.Notifications.Receivers;
using Vigil.Domain.Notifications.Rendering;
using Vigil.Domain.Notifications.Retry;
using Vigil.Functions.Configuration;

namespace Vigil.Functions.Notifications.Notifiers;

/// <summary>
/// Webhooks: the Alertmanager-compatible body of <see cref="WebhookPayload"/>, with <c>X-Vigil-Notification-Id</c>
/// (an idempotency key) and, when the receiver has a secret, <c>X-Vigil-Timestamp</c> and <c>X-Vigil-Signature</c>.
/// </summary>
public sealed class WebhookNotifier : HttpNotifier
{
    private readonly TimeProvider _time;

    public WebhookNotifier(HttpPoster http, SettingsSecrets secrets, TimeProvider time)
        : base(http, secrets) => _time = time;

    public override ChannelKind Channel => ChannelKind.Webhook;

    public override PreparedSend Prepare(Notification notification, ReceiverDefinition receiver)
    {
        var webhook = (WebhookIntegration)receiver.Integration;
        var url = Secrets.Resolve(webhook.Url, "the webhook URL", out var problem);
        if (url is null || !Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
        {
            return PreparedSend.Failed(DeliveryClassifier.Misconfigured(problem ?? "the webhook URL is not an absolute http(s) URL"));
        }

        var body = WebhookPayload.Render(notification, Secrets.Get(AppSettings.ExternalUrl), webhook.MaxAlerts).ToJsonString();
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase) { [WebhookPayload.NotificationIdHeader] = notification.Id };
        string? secret = null;
        if (webhook.Secret is { } secretValue)
        {
            secret = Secrets.Resolve(secretValue, "the webhook secret", out problem);
            if (secret is null)
            {
                return PreparedSend.Failed(DeliveryClassifier.Misconfigured(problem!));
            }

            var timestamp = _time.GetUtcNow().ToUnixTimeSeconds();
            headers[WebhookPayload.TimestampHeader] = timestamp.ToString(System.Globalization.CultureInfo.InvariantCulture);
            headers[WebhookPayload.SignatureHeader] = WebhookPayload.Sign(secret, timestamp, body);
        }

        return PreparedSend.Ready(new HttpPost(uri, body, headers), webhook.Url.IsReference ? url : string.Empty, secret ?? string.Empty);
    }
}
