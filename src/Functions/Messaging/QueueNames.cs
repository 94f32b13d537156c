namespace Vigil.Functions.Messaging;

/// <summary>
/// The Service Bus queues Vigil's functions trigger on or write to, one partial file per area. Each name must
/// match the function.json bindings and infra/bicep/queues.json (checked by tests/Deployment.Tests).
/// </summary>
public static partial class QueueNames
{
    /// <summary>The system heartbeat's round trip: timer, queue, function (a dead man's switch for the pipeline).</summary>
    public const string SystemHeartbeat = "system-heartbeat";

    /// <summary>Every queue declared in any part of this class.</summary>
    public static IReadOnlyList<string> All { get; } = typeof(QueueNames)
        .GetFields(System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.Static)
        .Where(f => f.IsLiteral && f.FieldType == typeof(string))
        .Select(f => (string)f.GetRawConstantValue()!)
        .Order(StringComparer.Ordinal)
        .ToList();
}
