namespace Vigil.Functions.Storage;

public static partial class TableNames
{
    /// <summary>The applied configuration document (one row, chunked).</summary>
    public const string Config = "VigilConfig";

    /// <summary>Alert instance state: PartitionKey rule name, RowKey instance fingerprint.</summary>
    public const string Alerts = "VigilAlerts";

    /// <summary>Alert transitions, newest first: PartitionKey inverted day, RowKey inverted time + event id.</summary>
    public const string AlertHistory = "VigilAlertHistory";
}
