using Vigil.Domain.Notifications.Notify;
using Vigil.Domain.Notifications.Receivers;
using Vigil.Domain.Notifications.Rendering;
using Vigil.Domain.Notifications.Retry;
using Vigil.Functions.Configuration;

namespace Vigil.Functions.Notifications.Notifiers;

/// <summary>Slack incoming webhooks: the Block Kit message of <see cref="SlackMessage"/>; 2xx is delivered.</summary>
public sealed class SlackNotifier : HttpNotifier
{
    public SlackNotifier(HttpPoster http, SettingsSecrets secrets)
        : base(http, secrets)
    {
    }

    public override ChannelKind Channel => ChannelKind.Slack;

    public override PreparedSend Prepare(Notification notification, ReceiverDefinition receiver)
    {
        var slack = (SlackIntegration)receiver.Integration;
        var url = Secrets.Resolve(slack.WebhookUrl, "the Slack webhook URL", out var problem);
        if (url is null || !Uri.TryCreate(url, UriKind.Absolute, out var uri))
        {
            return PreparedSend.Failed(DeliveryClassifier.Misconfigured(problem ?? $"the app setting {slack.WebhookUrl.Setting} is not an absolute URL"));
        }

        var body = SlackMessage.Render(notification, slack, Secrets.Get(AppSettings.ExternalUrl)).ToJsonString();
        return PreparedSend.Ready(new HttpPost(uri, body, NoHeaders), url);
    }
}
