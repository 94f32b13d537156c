using Vigil.Functions.Alerts.Config;
using Vigil.Functions.Configuration;
using Vigil.Functions.Hosting;
using Vigil.Functions.Notifications.Delivery;
using Vigil.Functions.Notifications.Grouping;
using Vigil.Functions.Notifications.Muting;
using Vigil.Functions.Notifications.Routing;
using Vigil.Functions.Notifications.Silences;

namespace Vigil.Functions.Notifications;

/// <summary>
/// What the FlushNotifications timer does each run: flush the groups whose groupWait or groupInterval is due, relay
/// outbox rows a crash left behind, look at open deliveries that are due (parked retries and rate-limited ones go
/// back on their queue, a message presumed lost is enqueued again, a claim whose lease ran out is closed as
/// unknown), and prune records past their retention.
/// </summary>
public sealed partial class NotificationSweep
{
    private const int MaxPrunedPerRun = 500;

    /// <summary>How often an instance prunes (not on every run: pruning scans).</summary>
    private static readonly TimeSpan PruneEvery = TimeSpan.FromMinutes(10);

    private readonly ConfigProvider _config;
    private readonly AlertRouter _router;
    private readonly GroupStore _groups;
    private readonly GroupFlusher _flusher;
    private readonly MuteContextFactory _mutes;
    private readonly DeliveryStore _deliveries;
    private readonly DeliveryProcessor _processor;
    private readonly AttemptLog _attempts;
    private readonly RoutedAlertStore _alerts;
    private readonly SilenceStore _silences;
    private readonly TimeProvider _time;
    private readonly TimeSpan _retention;
    private readonly ILogger<NotificationSweep> _logger;
    private DateTimeOffset _prunedAt = DateTimeOffset.MinValue;
    private long _reroutedVersion = -1;

    public NotificationSweep(
        ConfigProvider config, AlertRouter router, GroupStore groups, GroupFlusher flusher, MuteContextFactory mutes, DeliveryStore deliveries, DeliveryProcessor processor,
        AttemptLog attempts, RoutedAlertStore alerts, SilenceStore silences, TimeProvider time, SettingsReader settings, ILogger<NotificationSweep> logger)
    {
        _config = config;
        _router = router;
        _groups = groups;
        _flusher = flusher;
        _mutes = mutes;
        _deliveries = deliveries;
        _processor = processor;
        _attempts = attempts;
        _alerts = alerts;
        _silences = silences;
        _time = time;
        _retention = settings.GetDuration(AppSettings.NotifyRetention);
        _logger = logger;
    }

    public async Task RunAsync(InvocationResult outputs, CancellationToken cancellationToken)
    {
        var now = _time.GetUtcNow();
        var active = await _config.GetAsync(cancellationToken);
        var config = active.Config.Notifications;
        if (active.Version != Interlocked.Read(ref _reroutedVersion))
        {
            // Once per configuration version (and per instance): firing alerts join the groups of new routes.
            await _router.RerouteFiringAsync(outputs, cancellationToken);
            Interlocked.Exchange(ref _reroutedVersion, active.Version);
        }

        var due = await _groups.ListDueAsync(now, cancellationToken);
        var flushed = 0;
        if (due.Count > 0)
        {
            var mute = await _mutes.CreateAsync(config, now, cancellationToken);
            foreach (var groupId in due)
            {
                flushed += await _flusher.FlushIfDueAsync(groupId, config, mute, now, outputs, cancellationToken) ? 1 : 0;
            }
        }

        foreach (var (groupId, notification) in await _groups.ListOutboxAsync(cancellationToken))
        {
            await _flusher.RelayAsync(groupId, notification, outputs, now, cancellationToken);
        }

        var open = await _deliveries.ListDueAsync(now, cancellationToken);
        foreach (var id in open)
        {
            await _processor.SweepAsync(id, outputs, cancellationToken);
        }

        if (now - _prunedAt >= PruneEvery)
        {
            _prunedAt = now;
            await _deliveries.PruneAsync(now - _retention, MaxPrunedPerRun, cancellationToken);
            await _attempts.PruneAsync(now - _retention, MaxPrunedPerRun, cancellationToken);
            await _alerts.PruneResolvedAsync(now - _retention, cancellationToken);
            await _silences.PruneAsync(now - _retention, cancellationToken);
        }
        if (due.Count > 0 || open.Count > 0)
        {
            LogSwept(_logger, due.Count, flushed, open.Count);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Notification sweep: {Due} groups due, {Flushed} notifications, {Open} open deliveries looked at")]
    private static partial void LogSwept(ILogger logger, int due, int flushed, int open);
}
