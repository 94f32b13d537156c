namespace Vigil.Functions.Storage;

public static partial class TableNames
{
    /// <summary>The router's view of each alert (PartitionKey "alert", RowKey fingerprint): last event, state, groups it is in. Source of inhibition and mute status.</summary>
    public const string NotifyAlerts = "VigilNotifyAlerts";

    /// <summary>Aggregation groups (PartitionKey group id): header "group" (timers, notification log), members "a:fingerprint", outbox "n:notification id".</summary>
    public const string NotifyGroups = "VigilNotifyGroups";

    /// <summary>Delivery records (PartitionKey "delivery"): "r:id" the record (claimed with ETags), "o:id" the open-delivery index, "rate:key" rate-limit state.</summary>
    public const string Deliveries = "VigilDeliveries";

    /// <summary>Every delivery attempt, newest first (PartitionKey inverted day, RowKey inverted time + id + attempt).</summary>
    public const string NotificationAttempts = "VigilNotificationAttempts";

    /// <summary>Silences (PartitionKey "silence", RowKey id).</summary>
    public const string Silences = "VigilSilences";
}
