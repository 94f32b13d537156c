using Vigil.Domain.Notifications.Notify;
using Vigil.Domain.Notifications.Receivers;
using Vigil.Domain.Notifications.Retry;

namespace Vigil.Functions.Notifications.Notifiers;

/// <summary>A notifier whose one call is a JSON POST (<see cref="HttpPost"/>): Slack, PagerDuty, webhooks.</summary>
public abstract class HttpNotifier : INotifier
{
    protected HttpNotifier(HttpPoster http, SettingsSecrets secrets)
    {
        Http = http;
        Secrets = secrets;
    }

    public abstract ChannelKind Channel { get; }

    protected static IReadOnlyDictionary<string, string> NoHeaders { get; } = new Dictionary<string, string>();

    protected HttpPoster Http { get; }

    protected SettingsSecrets Secrets { get; }

    public abstract PreparedSend Prepare(Notification notification, ReceiverDefinition receiver);

    public Task<DeliveryOutcome> SendAsync(PreparedSend prepared, CancellationToken cancellationToken) =>
        Http.PostAsync((HttpPost)prepared.Payload!, cancellationToken);
}
