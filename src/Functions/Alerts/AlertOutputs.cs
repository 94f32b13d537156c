namespace Vigil.Functions.Alerts;

/// <summary>
/// The output binding every function that evaluates alerts declares in its function.json
/// (<c>{"type":"serviceBus","direction":"out","name":"alertEvents","queueName":"alert-events","connection":"ServiceBusConnection"}</c>):
/// one message per transition.
/// </summary>
public static class AlertOutputs
{
    public const string AlertEvents = "alertEvents";
}
