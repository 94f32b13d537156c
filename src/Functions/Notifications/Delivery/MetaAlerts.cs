using Vigil.Domain.Notifications.Grouping;
using Vigil.Domain.Notifications.Notify;
using Vigil.Domain.Notifications.Receivers;
using Vigil.Domain.Notifications.Retry;

namespace Vigil.Functions.Notifications.Delivery;

public static class NotificationKinds
{
    /// <summary>"Delivery to X failing", sent to the fallback receiver.</summary>
    public const string Meta = "meta";

    /// <summary>POST /api/receivers/{name}/test.</summary>
    public const string Test = "test";
}

/// <summary>Builds the notifications Vigil sends about itself.</summary>
public static class MetaAlerts
{
    public const string DeliveryFailingRule = "NotificationDeliveryFailing";

    public static Notification DeliveryFailing(Notification failed, DeliveryOutcome outcome, ReceiverDefinition fallback, DateTimeOffset now)
    {
        var labels = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["rule"] = DeliveryFailingRule,
            ["severity"] = "critical",
            ["receiver"] = failed.Receiver,
            ["channel"] = failed.Channel.Key(),
        };
        var annotations = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["summary"] = $"Delivery to {failed.Receiver} ({failed.Channel.Key()}) failing: {outcome.Reason.Text()}",
            ["description"] = $"Notification {failed.Id} ({failed.Status}, {failed.Alerts.Count} alerts: {string.Join(", ", failed.Alerts.Select(a => a.Rule).Distinct(StringComparer.Ordinal).Take(5))}) {(outcome.Reason == DeliveryReason.Unknown ? "may not have been delivered" : "was not delivered")}: {outcome.Detail}. See GET /api/notifications?receiver={failed.Receiver}.",
        };
        var key = new GroupKey("meta", fallback.Name, Domain.Labels.LabelSet.From(("receiver", failed.Receiver)));
        return new Notification
        {
            Id = NotificationIds.Hash("meta\n" + fallback.Name + "\n" + failed.Id, 32),
            Receiver = fallback.Name,
            Channel = fallback.Kind,
            GroupKey = key.Text,
            GroupId = key.Id,
            GroupLabels = key.GroupLabels.ToDictionary(),
            CommonLabels = labels,
            CommonAnnotations = annotations,
            Alerts = [new NotifiedAlert { Fingerprint = NotificationIds.Hash("meta\n" + failed.Receiver, 16), Status = NotificationStatus.Firing, Labels = labels, Annotations = annotations, StartsAt = now, Severity = "critical" }],
            CreatedAt = now,
            Kind = NotificationKinds.Meta,
        };
    }

    public static Notification Test(ReceiverDefinition receiver, DateTimeOffset now)
    {
        var labels = new Dictionary<string, string>(StringComparer.Ordinal) { ["rule"] = "VigilTestNotification", ["severity"] = "info", ["receiver"] = receiver.Name };
        var annotations = new Dictionary<string, string>(StringComparer.Ordinal) { ["summary"] = $"Test notification from Vigil to {receiver.Name}: if you read this, the receiver works." };
        var key = new GroupKey("test", receiver.Name, Domain.Labels.LabelSet.Empty);
        return new Notification
        {
            Id = NotificationIds.Hash("test\n" + receiver.Name + "\n" + now.UtcTicks.ToString(System.Globalization.CultureInfo.InvariantCulture), 32),
            Receiver = receiver.Name,
            Channel = receiver.Kind,
            GroupKey = key.Text,
            GroupId = key.Id,
            GroupLabels = new Dictionary<string, string>(),
            CommonLabels = labels,
            CommonAnnotations = annotations,
            Alerts = [new NotifiedAlert { Fingerprint = "0000000000000000", Status = NotificationStatus.Firing, Labels = labels, Annotations = annotations, StartsAt = now, Severity = "info" }],
            CreatedAt = now,
            Kind = NotificationKinds.Test,
        };
    }
}
