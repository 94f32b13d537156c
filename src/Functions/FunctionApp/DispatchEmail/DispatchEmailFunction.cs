using Vigil.Domain.Notifications.Receivers;
using Vigil.Functions.Notifications.Delivery;

namespace Vigil.Functions.FunctionApp.DispatchEmail;

/// <summary>Service Bus <c>notify-email</c>: the email dispatcher (see <see cref="DispatchFunction"/>).</summary>
public sealed class DispatchEmailFunction(DeliveryProcessor processor) : DispatchFunction(processor)
{
    public override string Name => "DispatchEmail";

    protected override ChannelKind Channel => ChannelKind.Email;
}
