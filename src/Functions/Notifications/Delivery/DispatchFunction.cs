using Vigil.Domain.Notifications.Receivers;
using Vigil.Functions.Hosting;
using Vigil.Functions.Notifications;

namespace Vigil.Functions.Notifications.Delivery;

/// <summary>
/// A dispatcher: Service Bus trigger on one channel queue (<c>notify-slack</c>, ...), one per channel so a failing
/// channel never delays another. The work is <see cref="DeliveryProcessor"/>'s.
/// </summary>
public abstract class DispatchFunction : ServiceBusFunction
{
    private readonly DeliveryProcessor _processor;

    protected DispatchFunction(DeliveryProcessor processor) => _processor = processor;

    protected abstract ChannelKind Channel { get; }

    protected override Task HandleAsync(ServiceBusMessage message, InvocationResult outputs, CancellationToken cancellationToken)
    {
        var delivery = message.Deserialize<DeliveryMessage>(VigilJson.Options);
        if (string.IsNullOrEmpty(delivery.NotificationId) || delivery.Channel != Channel.Key())
        {
            throw new InvocationFormatException($"the message is not a {Channel.Key()} delivery (notificationId and channel '{Channel.Key()}' expected)");
        }

        return _processor.ProcessAsync(delivery, cancellationToken);
    }
}
