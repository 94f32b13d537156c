namespace Vigil.Functions.Messaging;

public static partial class QueueNames
{
    /// <summary>IngestMetrics -> EvaluateMetrics: compacted bucket aggregates per series (docs/architecture.md, "Metrics pipeline").</summary>
    public const string Metrics = "metrics";
}
