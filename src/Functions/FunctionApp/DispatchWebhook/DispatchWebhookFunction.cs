using Vigil.Domain.Notifications.Receivers;
using Vigil.Functions.Notifications.Delivery;

namespace Vigil.Functions.FunctionApp.DispatchWebhook;

/// <summary>Service Bus <c>notify-webhook</c>: the webhook dispatcher (see <see cref="DispatchFunction"/>).</summary>
public sealed class DispatchWebhookFunction(DeliveryProcessor processor) : DispatchFunction(processor)
{
    public override string Name => "DispatchWebhook";

    protected override ChannelKind Channel => ChannelKind.Webhook;
}
