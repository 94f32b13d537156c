using Vigil.Domain.Alerts.Events;
using Vigil.Functions.Hosting;
using Vigil.Functions.Notifications.Routing;

namespace Vigil.Functions.FunctionApp.RouteAlerts;

/// <summary>
/// Service Bus <c>alert-events</c>: routes each alert event into its groups (duplicates by event id ignored),
/// flushing at once a group whose groupWait is 0s. A message that is not an alert event fails (and is
/// dead-lettered after the queue's max delivery count).
/// </summary>
public sealed class RouteAlertsFunction : ServiceBusFunction
{
    private readonly AlertRouter _router;

    public RouteAlertsFunction(AlertRouter router) => _router = router;

    public override string Name => "RouteAlerts";

    protected override Task HandleAsync(ServiceBusMessage message, InvocationResult outputs, CancellationToken cancellationToken)
    {
        var alertEvent = message.Deserialize<AlertEvent>(VigilJson.Options);
        if (alertEvent.SchemaVersion > AlertEvent.CurrentSchemaVersion)
        {
            throw new InvocationFormatException($"alert event schema version {alertEvent.SchemaVersion} is newer than this router understands ({AlertEvent.CurrentSchemaVersion})");
        }

        if (string.IsNullOrEmpty(alertEvent.EventId) || string.IsNullOrEmpty(alertEvent.Fingerprint) || string.IsNullOrEmpty(alertEvent.Rule))
        {
            throw new InvocationFormatException("the alert event has no eventId, fingerprint or rule");
        }

        return _router.RouteAsync(alertEvent, outputs, cancellationToken);
    }
}
