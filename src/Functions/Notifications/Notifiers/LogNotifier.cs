using Vigil.Domain.Notifications.Notify;
using Vigil.Domain.Notifications.Receivers;
using Vigil.Domain.Notifications.Rendering;
using Vigil.Domain.Notifications.Retry;

namespace Vigil.Functions.Notifications.Notifiers;

/// <summary>The <c>log</c> receiver: one structured line per notification in the handler's log (a warning while firing).</summary>
public sealed partial class LogNotifier : INotifier
{
    private readonly ILogger<LogNotifier> _logger;

    public LogNotifier(ILogger<LogNotifier> logger) => _logger = logger;

    public ChannelKind Channel => ChannelKind.Log;

    public PreparedSend Prepare(Notification notification, ReceiverDefinition receiver) => PreparedSend.Ready(notification);

    public Task<DeliveryOutcome> SendAsync(PreparedSend prepared, CancellationToken cancellationToken)
    {
        var notification = (Notification)prepared.Payload!;
        var line = LogLine.Render(notification);
        if (notification.Status == NotificationStatus.Firing)
        {
            LogFiring(_logger, notification.Receiver, notification.Id, line);
        }
        else
        {
            LogResolved(_logger, notification.Receiver, notification.Id, line);
        }

        return Task.FromResult(DeliveryOutcome.Delivered(null, "written to the log"));
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "ALERT to {Receiver} ({NotificationId}): {Notification}")]
    private static partial void LogFiring(ILogger logger, string receiver, string notificationId, string notification);

    [LoggerMessage(Level = LogLevel.Information, Message = "ALERT to {Receiver} ({NotificationId}): {Notification}")]
    private static partial void LogResolved(ILogger logger, string receiver, string notificationId, string notification);
}
