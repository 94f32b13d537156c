using Vigil.Functions.Hosting;
using Vigil.Functions.Notifications;

namespace Vigil.Functions.FunctionApp.FlushNotifications;

/// <summary>
/// Timer (<c>%VIGIL_NOTIFY_FLUSH_SCHEDULE%</c>, every 5 s by default): flushes due groups, relays leftover outbox
/// rows, re-enqueues parked retries and lost messages, closes deliveries a crash left open, and prunes.
/// </summary>
public sealed class FlushNotificationsFunction : TimerFunction
{
    private readonly NotificationSweep _sweep;

    public FlushNotificationsFunction(ITimerRunRecorder recorder, NotificationSweep sweep)
        : base(recorder) => _sweep = sweep;

    public override string Name => "FlushNotifications";

    protected override Task RunAsync(TimerInfo timer, InvocationResult outputs, CancellationToken cancellationToken) =>
        _sweep.RunAsync(outputs, cancellationToken);
}
