using Vigil.Domain.Notifications.Receivers;
using Vigil.Functions.Notifications.Delivery;

namespace Vigil.Functions.FunctionApp.DispatchSlack;

/// <summary>Service Bus <c>notify-slack</c>: Slack incoming webhooks.</summary>
public sealed class DispatchSlackFunction(DeliveryProcessor processor) : DispatchFunction(processor)
{
    public override string Name => "DispatchSlack";

    protected override ChannelKind Channel => ChannelKind.Slack;
}
