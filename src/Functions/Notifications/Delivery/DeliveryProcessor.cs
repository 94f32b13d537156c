using System.Diagnostics;
using System.Security.Cryptography;
using Vigil.Domain.Notifications;
using Vigil.Domain.Notifications.Notify;
using Vigil.Domain.Notifications.Receivers;
using Vigil.Domain.Notifications.Retry;
using Vigil.Functions.Alerts.Config;
using Vigil.Functions.Hosting;
using Vigil.Functions.Notifications.Notifiers;
using Vigil.Storage.Tables;

namespace Vigil.Functions.Notifications.Delivery;

/// <summary>Random numbers for back-off jitter (a seam, so tests can be exact).</summary>
public interface IJitter
{
    /// <summary>A number in [0, 1).</summary>
    double Next();
}

public sealed class CryptoJitter : IJitter
{
    public double Next() => RandomNumberGenerator.GetInt32(1_000_000) / 1_000_000d;
}

/// <summary>
/// Delivers one notification exactly once in effect (the dispatchers' shared core):
/// <list type="number">
/// <item>reads the delivery record; a closed one (delivered, failed, dead-lettered) or one another instance is
/// sending is left alone, so a redelivered message or a second instance sends nothing;</item>
/// <item>prepares the message (render, resolve secrets) and waits for a rate-limit slot; a slot further away than
/// <see cref="InlineWaitLimit"/> parks the notification (the sweep re-enqueues it when due);</item>
/// <item>claims it with an ETag write (state sending, with a lease) immediately before the one call, so a crash
/// before the call leaves it queued (delivered on redelivery) and a crash during or after the call leaves it
/// "sending": when the lease runs out it is closed as unknown (never sent twice) and, as it may never have left,
/// a meta-alert tells the fallback receiver;</item>
/// <item>records the attempt, then: delivered; or retried after back-off with jitter / Retry-After (waiting in
/// the function only up to <see cref="InlineWaitLimit"/>, else parked); or, when not retryable or past the
/// deadline, closed as failed / dead-lettered with a "delivery to X failing" meta-alert to the fallback receiver.</item>
/// </list>
/// </summary>
public sealed partial class DeliveryProcessor
{
    /// <summary>Longest wait spent inside a function for a retry or a rate-limit slot; longer waits are parked.</summary>
    public static readonly TimeSpan InlineWaitLimit = TimeSpan.FromSeconds(3);

    /// <summary>Most time one invocation spends retrying inline before parking.</summary>
    public static readonly TimeSpan InlineBudget = TimeSpan.FromSeconds(20);

    /// <summary>How long past the call's timeout a claim stays valid.</summary>
    public static readonly TimeSpan LeaseMargin = TimeSpan.FromSeconds(30);

    private const int MaxConflictRetries = 10;

    private readonly DeliveryStore _store;
    private readonly AttemptLog _attempts;
    private readonly ConfigProvider _config;
    private readonly Dictionary<ChannelKind, INotifier> _notifiers;
    private readonly TimeProvider _time;
    private readonly IJitter _jitter;
    private readonly TimeSpan _callTimeout;
    private readonly ILogger<DeliveryProcessor> _logger;

    public DeliveryProcessor(
        DeliveryStore store, AttemptLog attempts, ConfigProvider config, IEnumerable<INotifier> notifiers, TimeProvider time, IJitter jitter, Configuration.SettingsReader settings, ILogger<DeliveryProcessor> logger)
    {
        _store = store;
        _attempts = attempts;
        _config = config;
        _notifiers = notifiers.ToDictionary(n => n.Channel);
        _time = time;
        _jitter = jitter;
        _callTimeout = settings.GetDuration(Configuration.AppSettings.NotifyHttpTimeout);
        _logger = logger;
    }

    public RetrySchedule Schedule { get; init; } = RetrySchedule.Default;

    /// <summary>Handles a message of a channel queue.</summary>
    public async Task ProcessAsync(DeliveryMessage message, CancellationToken cancellationToken)
    {
        var started = _time.GetUtcNow();
        for (var round = 0; ; round++)
        {
            var record = await _store.GetAsync(message.NotificationId, cancellationToken);
            var now = _time.GetUtcNow();
            if (record is null)
            {
                LogMissing(_logger, message.NotificationId);
                return;
            }

            if (record.IsFinal)
            {
                LogAlreadyClosed(_logger, record.Id, record.State.ToString());
                return;
            }

            if (record.State == DeliveryState.Sending)
            {
                if (record.LeaseUntil > now)
                {
                    LogInFlight(_logger, record.Id);
                    return;
                }

                await CloseAsUnknownAsync(record, now, cancellationToken);
                return;
            }

            if (record.State == DeliveryState.Retrying && record.NextAttemptAt > now + TimeSpan.FromSeconds(1))
            {
                LogNotDue(_logger, record.Id, record.NextAttemptAt.Value);
                return;
            }

            var config = (await _config.GetAsync(cancellationToken)).Config.Notifications;
            var next = await AttemptAsync(record, config, started, round, cancellationToken);
            if (next is null)
            {
                return;
            }

            await Task.Delay(next.Value, _time, cancellationToken);
        }
    }

    /// <summary>One attempt; returns how long to wait before the next inline round (null: done for this invocation).</summary>
    private async Task<TimeSpan?> AttemptAsync(DeliveryRecord record, NotificationConfig config, DateTimeOffset started, int round, CancellationToken cancellationToken)
    {
        var notification = record.Notification;
        var now = _time.GetUtcNow();
        var receiver = ReceiverFor(notification, config);
        if (receiver is null || receiver.Kind != notification.Channel || !_notifiers.TryGetValue(notification.Channel, out var notifier))
        {
            await FinishAsync(record, DeliveryClassifier.Misconfigured($"the receiver {notification.Receiver} is no longer configured as a {notification.Channel.Key()} receiver"), record.Attempts, null, config, cancellationToken);
            return null;
        }

        var prepared = notifier.Prepare(notification, receiver);
        if (prepared.Problem is { } problem)
        {
            await FinishAsync(record, problem, record.Attempts + 1, null, config, cancellationToken);
            return null;
        }

        // A rate-limit slot: the one reserved earlier, else the next free one.
        if (receiver.EffectiveRateLimit is { } limit && notification.Kind != NotificationKinds.Test)
        {
            var slot = record.RateSlot is { } reserved && reserved <= now + InlineWaitLimit ? reserved : await _store.ReserveSlotAsync(receiver.RateLimitKey, limit, now, cancellationToken);
            if (slot - now > InlineWaitLimit)
            {
                await TryUpdateAsync(record with { State = DeliveryState.Retrying, NextAttemptAt = slot, RateSlot = slot, UpdatedAt = now }, slot, cancellationToken);
                LogRateLimited(_logger, record.Id, receiver.Name, slot);
                return null;
            }

            if (slot > now)
            {
                await Task.Delay(slot - now, _time, cancellationToken);
            }
        }

        // Claim immediately before the call: from here on a crash never leads to a second send.
        var attempt = record.Attempts + 1;
        DeliveryRecord claimed;
        try
        {
            var claimAt = _time.GetUtcNow();
            claimed = await _store.UpdateAsync(
                record with { State = DeliveryState.Sending, Attempts = attempt, LeaseUntil = claimAt + _callTimeout + LeaseMargin, RateSlot = null, UpdatedAt = claimAt },
                claimAt + _callTimeout + LeaseMargin,
                cancellationToken);
        }
        catch (TableConflictException)
        {
            return round < MaxConflictRetries ? TimeSpan.Zero : null; // someone else moved it: look again
        }

        var clock = Stopwatch.StartNew();
        var outcome = await notifier.SendAsync(prepared, cancellationToken);
        clock.Stop();
        outcome = outcome with { Detail = prepared.Scrub(outcome.Detail) };
        now = _time.GetUtcNow();
        await RecordAttemptAsync(notification, attempt, outcome, clock.Elapsed, now, cancellationToken);

        if (outcome.Succeeded)
        {
            await FinishAsync(claimed, outcome, attempt, clock.Elapsed, config, cancellationToken, recordAttempt: false);
            return null;
        }

        var decision = Schedule.Next(attempt, outcome, now, record.Deadline, _jitter.Next());
        if (decision.GiveUp)
        {
            var final = outcome.Retryable ? outcome with { Reason = DeliveryReason.DeadLettered, Detail = $"{outcome.Detail}; {decision.Reason}" } : outcome;
            await FinishAsync(claimed, final, attempt, null, config, cancellationToken, recordAttempt: outcome.Retryable);
            return null;
        }

        var wait = decision.RetryAt - now;
        var inline = wait <= InlineWaitLimit && now + wait - started <= InlineBudget;
        var retrying = claimed with
        {
            State = DeliveryState.Retrying,
            NextAttemptAt = decision.RetryAt,
            LeaseUntil = null,
            LastReason = outcome.Reason.Text(),
            LastStatus = outcome.RemoteStatus,
            LastDetail = outcome.Detail,
            UpdatedAt = now,
        };
        if (!await TryUpdateAsync(retrying, decision.RetryAt, cancellationToken))
        {
            return null;
        }

        LogRetrying(_logger, record.Id, notification.Receiver, attempt, outcome.Reason.Text(), outcome.RemoteStatus, decision.RetryAt, inline ? "inline" : "parked");
        return inline ? (wait > TimeSpan.Zero ? wait : TimeSpan.Zero) : null;
    }

    /// <summary>The sweep's look at an open delivery: re-enqueue a due or lost one, close one a crash left sending.</summary>
    public async Task SweepAsync(string id, InvocationResult outputs, CancellationToken cancellationToken)
    {
        var record = await _store.GetAsync(id, cancellationToken);
        var now = _time.GetUtcNow();
        if (record is null || record.IsFinal)
        {
            await _store.CloseAsync(id, cancellationToken);
            return;
        }

        if (record.State == DeliveryState.Sending)
        {
            if (record.LeaseUntil <= now)
            {
                await CloseAsUnknownAsync(record, now, cancellationToken);
            }

            return;
        }

        // Queued (its message may be lost) or retrying and due: put it on its queue again (a duplicate is harmless).
        var requeued = record with { State = DeliveryState.Queued, UpdatedAt = now };
        if (await TryUpdateAsync(requeued, now + Grouping.GroupFlusher.RequeueAfter, cancellationToken))
        {
            outputs.AddMessage(NotificationOutputs.For(record.Notification.Channel), new DeliveryMessage(record.Id, record.Notification.Channel.Key()));
            LogRequeued(_logger, record.Id, record.Notification.Receiver, record.State.ToString());
        }
    }

    /// <summary>Sends a test notification now and reports the receiver's answer (POST /api/receivers/{name}/test).</summary>
    public async Task<DeliveryOutcome> SendTestAsync(Notification notification, ReceiverDefinition receiver, CancellationToken cancellationToken)
    {
        var notifier = _notifiers[receiver.Kind];
        var prepared = notifier.Prepare(notification, receiver);
        var clock = Stopwatch.StartNew();
        var outcome = prepared.Problem ?? await notifier.SendAsync(prepared, cancellationToken);
        outcome = outcome with { Detail = prepared.Scrub(outcome.Detail) };
        await RecordAttemptAsync(notification, 1, outcome, clock.Elapsed, _time.GetUtcNow(), cancellationToken);
        return outcome;
    }

    private async Task CloseAsUnknownAsync(DeliveryRecord record, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var outcome = new DeliveryOutcome(DeliveryReason.Unknown, null, null, "the dispatcher stopped while the request was out; it may have arrived and is not sent again");
        if (await TryUpdateAsync(record with { State = DeliveryState.Unknown, LastReason = outcome.Reason.Text(), LastDetail = outcome.Detail, LeaseUntil = null, UpdatedAt = now }, null, cancellationToken))
        {
            await RecordAttemptAsync(record.Notification, record.Attempts, outcome, null, now, cancellationToken);
            LogUnknown(_logger, record.Id, record.Notification.Receiver);

            // It may never have left (a crash between the claim and the request): never silent, tell the fallback.
            var config = (await _config.GetAsync(cancellationToken)).Config.Notifications;
            await RaiseMetaAlertAsync(record.Notification, outcome, config, now, cancellationToken);
        }
    }

    private async Task FinishAsync(DeliveryRecord record, DeliveryOutcome outcome, int attempts, TimeSpan? duration, NotificationConfig config, CancellationToken cancellationToken, bool recordAttempt = true)
    {
        var now = _time.GetUtcNow();
        var state = outcome.Reason switch
        {
            DeliveryReason.Delivered => DeliveryState.Delivered,
            DeliveryReason.DeadLettered => DeliveryState.DeadLettered,
            _ => DeliveryState.Failed,
        };
        var closed = record with { State = state, Attempts = attempts, LeaseUntil = null, NextAttemptAt = null, LastReason = outcome.Reason.Text(), LastStatus = outcome.RemoteStatus, LastDetail = outcome.Detail, UpdatedAt = now };
        if (!await TryUpdateAsync(closed, null, cancellationToken))
        {
            return;
        }

        if (recordAttempt)
        {
            await RecordAttemptAsync(record.Notification, attempts, outcome, duration, now, cancellationToken);
        }

        if (state == DeliveryState.Delivered)
        {
            LogDelivered(_logger, record.Id, record.Notification.Receiver, attempts, duration?.TotalMilliseconds ?? 0);
            return;
        }

        LogGaveUp(_logger, record.Id, record.Notification.Receiver, record.Notification.Channel.Key(), outcome.Reason.Text(), outcome.RemoteStatus, outcome.Detail);
        await RaiseMetaAlertAsync(record.Notification, outcome, config, now, cancellationToken);
    }

    /// <summary>"Delivery to X failing": a notification of its own to the fallback receiver (never about itself).</summary>
    private async Task RaiseMetaAlertAsync(Notification failed, DeliveryOutcome outcome, NotificationConfig config, DateTimeOffset now, CancellationToken cancellationToken)
    {
        if (failed.Kind is not null || config.FallbackReceiver is not { } fallbackName || fallbackName == failed.Receiver
            || !config.ReceiversByName.TryGetValue(fallbackName, out var fallback))
        {
            LogNoFallback(_logger, failed.Id, failed.Receiver);
            return;
        }

        var meta = MetaAlerts.DeliveryFailing(failed, outcome, fallback, now);
        var created = await _store.CreateAsync(new DeliveryRecord { Notification = meta, State = DeliveryState.Queued, Deadline = now + TimeSpan.FromHours(1), UpdatedAt = now }, now, cancellationToken);
        if (created)
        {
            LogMetaAlert(_logger, meta.Id, fallbackName, failed.Receiver);
        }
    }

    private async Task<bool> TryUpdateAsync(DeliveryRecord record, DateTimeOffset? nextCheck, CancellationToken cancellationToken)
    {
        try
        {
            await _store.UpdateAsync(record, nextCheck, cancellationToken);
            return true;
        }
        catch (TableConflictException)
        {
            LogLostRace(_logger, record.Id);
            return false;
        }
    }

    private Task RecordAttemptAsync(Notification notification, int attempt, DeliveryOutcome outcome, TimeSpan? duration, DateTimeOffset now, CancellationToken cancellationToken) =>
        _attempts.AddAsync(
            new DeliveryAttempt
            {
                NotificationId = notification.Id,
                Receiver = notification.Receiver,
                Channel = notification.Channel.Key(),
                Attempt = attempt,
                Result = outcome.Reason.Text(),
                RemoteStatus = outcome.RemoteStatus,
                Detail = outcome.Detail,
                At = now,
                DurationMs = duration?.TotalMilliseconds,
                Kind = notification.Kind,
                Alerts = [.. notification.Alerts.Select(a => new AttemptAlert(a.Fingerprint, a.Rule, a.Status, a.Severity))],
            },
            cancellationToken);

    private static ReceiverDefinition? ReceiverFor(Notification notification, NotificationConfig config) =>
        config.ReceiversByName.GetValueOrDefault(notification.Receiver);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Notification {NotificationId} has no delivery record; nothing to send")]
    private static partial void LogMissing(ILogger logger, string notificationId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Notification {NotificationId} is already {State}; the message is a duplicate")]
    private static partial void LogAlreadyClosed(ILogger logger, string notificationId, string state);

    [LoggerMessage(Level = LogLevel.Information, Message = "Notification {NotificationId} is being sent by another dispatcher; the message is a duplicate")]
    private static partial void LogInFlight(ILogger logger, string notificationId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Notification {NotificationId} waits until {NextAttemptAt}; the sweep enqueues it then")]
    private static partial void LogNotDue(ILogger logger, string notificationId, DateTimeOffset nextAttemptAt);

    [LoggerMessage(Level = LogLevel.Information, Message = "Notification {NotificationId} to {Receiver} waits for its rate-limit slot at {Slot}")]
    private static partial void LogRateLimited(ILogger logger, string notificationId, string receiver, DateTimeOffset slot);

    [LoggerMessage(Level = LogLevel.Information, Message = "Notification {NotificationId} delivered to {Receiver} (attempt {Attempt}, {DurationMs} ms)")]
    private static partial void LogDelivered(ILogger logger, string notificationId, string receiver, int attempt, double durationMs);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Notification {NotificationId} to {Receiver}: attempt {Attempt} {Result} (status {RemoteStatus}); retry at {RetryAt} ({Mode})")]
    private static partial void LogRetrying(ILogger logger, string notificationId, string receiver, int attempt, string result, int? remoteStatus, DateTimeOffset retryAt, string mode);

    [LoggerMessage(Level = LogLevel.Error, Message = "Notification {NotificationId} to {Receiver} ({Channel}) given up: {Result} (status {RemoteStatus}): {Detail}")]
    private static partial void LogGaveUp(ILogger logger, string notificationId, string receiver, string channel, string result, int? remoteStatus, string detail);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Notification {NotificationId} to {Receiver} closed as unknown: the dispatcher stopped during the call; not sent again")]
    private static partial void LogUnknown(ILogger logger, string notificationId, string receiver);

    [LoggerMessage(Level = LogLevel.Information, Message = "Notification {NotificationId} to {Receiver} re-enqueued (was {State})")]
    private static partial void LogRequeued(ILogger logger, string notificationId, string receiver, string state);

    [LoggerMessage(Level = LogLevel.Error, Message = "Meta-alert {NotificationId} to {Fallback}: delivery to {Receiver} failing")]
    private static partial void LogMetaAlert(ILogger logger, string notificationId, string fallback, string receiver);

    [LoggerMessage(Level = LogLevel.Error, Message = "Delivery of {NotificationId} to {Receiver} failed and no fallbackReceiver can be told (set route.fallbackReceiver)")]
    private static partial void LogNoFallback(ILogger logger, string notificationId, string receiver);

    [LoggerMessage(Level = LogLevel.Information, Message = "Notification {NotificationId} changed meanwhile (another dispatcher or the sweep); left to it")]
    private static partial void LogLostRace(ILogger logger, string notificationId);
}
