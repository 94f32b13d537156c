namespace Vigil.Functions.Messaging;

public static partial class QueueNames
{
    /// <summary>One message per alert transition (contract: Vigil.Domain.Alerts.Events.AlertEvent), consumed by the router.</summary>
    public const string AlertEvents = "alert-events";
}
