namespace Vigil.Functions.Storage;

public static partial class TableNames
{
    /// <summary>
    /// Probe, heartbeat and component status: PartitionKey <c>probe</c>, <c>heartbeat</c> or <c>component</c>,
    /// RowKey the name. One row per configured thing; rows of removed ones are deleted by RunProbes.
    /// </summary>
    public const string ProbeStatus = "VigilProbeStatus";
}
