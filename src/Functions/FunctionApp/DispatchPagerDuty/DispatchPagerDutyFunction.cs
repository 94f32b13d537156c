using Vigil.Domain.Notifications.Receivers;
using Vigil.Functions.Notifications.Delivery;

namespace Vigil.Functions.FunctionApp.DispatchPagerDuty;

/// <summary>Service Bus <c>notify-pagerduty</c>: the pagerduty dispatcher (see <see cref="DispatchFunction"/>).</summary>
public sealed class DispatchPagerDutyFunction(DeliveryProcessor processor) : DispatchFunction(processor)
{
    public override string Name => "DispatchPagerDuty";

    protected override ChannelKind Channel => ChannelKind.PagerDuty;
}
