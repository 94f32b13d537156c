using Vigil.Domain.Notifications.Receivers;
using Vigil.Functions.Notifications.Delivery;

namespace Vigil.Functions.FunctionApp.DispatchLog;

/// <summary>Service Bus <c>notify-log</c>: the log dispatcher (see <see cref="DispatchFunction"/>).</summary>
public sealed class DispatchLogFunction(DeliveryProcessor processor) : DispatchFunction(processor)
{
    public override string Name => "DispatchLog";

    protected override ChannelKind Channel => ChannelKind.Log;
}
