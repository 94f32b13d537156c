using System.Text.Json;
using Vigil.Domain.Alerts.Events;
using Vigil.Domain.Alerts.Lifecycle;
using Vigil.Domain.Health;
using Vigil.Domain.Labels;
using Vigil.Domain.Metrics.Query;
using Vigil.Domain.Rules;
using Vigil.Domain.Rules.Conditions;
using Vigil.Domain.Rules.Evaluation;
using Vigil.Functions.Alerts.History;
using Vigil.Functions.Alerts.State;
using Vigil.Functions.Alerts.Status;
using Vigil.Functions.Configuration;
using Vigil.Functions.Hosting;
using Vigil.Functions.Metrics;
using Vigil.Storage.Tables;

namespace Vigil.Functions.Alerts.Evaluation;

/// <summary>
/// Evaluates rules against the series store and the status sources and moves each instance through its
/// lifecycle: read the stored state, decide with <see cref="AlertLifecycle.Next"/>, write with the ETag read
/// (on a conflict: re-read and decide again, so two evaluators racing on one instance emit one event), then
/// record the events in the history and add them to the invocation's <c>alertEvents</c> output.
/// </summary>
public sealed partial class AlertEvaluator
{
    private const int MaxConflictRetries = 8;

    private readonly ISeriesQuery _series;
    private readonly IEnumerable<IComponentStatusSource> _statusSources;
    private readonly AlertStateStore _states;
    private readonly AlertHistoryStore _history;
    private readonly ILogger<AlertEvaluator> _logger;
    private readonly TimeSpan _resendAfter;

    public AlertEvaluator(ISeriesQuery series, IEnumerable<IComponentStatusSource> statusSources, AlertStateStore states, AlertHistoryStore history, SettingsReader settings, ILogger<AlertEvaluator> logger)
    {
        _series = series;
        _statusSources = statusSources;
        _states = states;
        _history = history;
        _resendAfter = settings.GetDuration(AppSettings.AlertEventResendAfter);
        _logger = logger;
    }

    /// <summary>Evaluates <paramref name="rules"/> at <paramref name="now"/>; returns the events emitted.</summary>
    public async Task<IReadOnlyList<AlertEvent>> EvaluateAsync(IReadOnlyList<AlertRule> rules, DateTimeOffset now, InvocationResult outputs, CancellationToken cancellationToken)
    {
        var emitted = new List<AlertEvent>();
        if (rules.Count == 0)
        {
            return emitted;
        }

        var statuses = await ReadStatusesAsync(rules, cancellationToken);
        foreach (var rule in rules)
        {
            var instances = (await _states.ListAsync(rule.Name, cancellationToken)).ToDictionary(i => i.Fingerprint, StringComparer.Ordinal);
            var verdicts = await JudgeAsync(rule, instances.Values.Select(i => i.Group), statuses, now, cancellationToken);
            foreach (var (group, verdict) in verdicts)
            {
                var fingerprint = rule.InstanceIdentity(group).FingerprintHex;
                instances.TryGetValue(fingerprint, out var stored);
                emitted.AddRange(await ApplyAsync(rule, group, fingerprint, verdict, stored, now, outputs, cancellationToken));
            }
        }

        return emitted;
    }

    /// <summary>Resolves the firing instances of rules that are no longer configured, then forgets them.</summary>
    public async Task<IReadOnlyList<AlertEvent>> RetireRemovedAsync(IReadOnlySet<string> configuredRules, DateTimeOffset now, InvocationResult outputs, CancellationToken cancellationToken)
    {
        var emitted = new List<AlertEvent>();
        foreach (var instance in await _states.ListAsync(null, cancellationToken))
        {
            if (configuredRules.Contains(instance.Rule))
            {
                continue;
            }

            var current = instance;
            for (var attempt = 0; ; attempt++)
            {
                var step = AlertLifecycle.Retire(current.State, now);
                try
                {
                    if (step.Events.Count == 0)
                    {
                        if (current.ResendDue is null)
                        {
                            await _states.DeleteAsync(current, cancellationToken);
                        }

                        break;
                    }

                    var events = step.Events.Select(t => AlertEvent.ForRetired(current.Rule, current.Fingerprint, current.Labels, current.Annotations, step.State, t)).ToList();
                    await _states.SaveAsync(WithResend(current with { State = step.State }, events, now), cancellationToken);
                    foreach (var alertEvent in events)
                    {
                        await EmitAsync(alertEvent, outputs, cancellationToken);
                        emitted.Add(alertEvent);
                    }

                    LogRetired(_logger, current.Rule, current.Fingerprint);
                    break;
                }
                catch (TableConflictException) when (attempt < MaxConflictRetries)
                {
                    var reread = await _states.GetAsync(instance.Rule, instance.Fingerprint, cancellationToken);
                    if (reread is null)
                    {
                        break;
                    }

                    current = reread;
                }
            }
        }

        return emitted;
    }

    /// <summary>Forgets resolved and inactive instances whose last change is older than <paramref name="keepSince"/>.</summary>
    public async Task<int> ForgetSettledAsync(DateTimeOffset keepSince, CancellationToken cancellationToken)
    {
        var forgotten = 0;
        foreach (var instance in await _states.ListAsync(null, cancellationToken))
        {
            var state = instance.State;
            var settledAt = state.ResolvedAt ?? state.LastEvaluatedAt ?? state.CreatedAt;
            if (state.Phase is AlertPhase.Resolved or AlertPhase.Inactive && !state.Flapping && settledAt < keepSince && instance.ResendDue is null)
            {
                try
                {
                    await _states.DeleteAsync(instance, cancellationToken);
                    forgotten++;
                }
                catch (TableConflictException)
                {
                    // Changed meanwhile: it is not settled any more.
                }
            }
        }

        return forgotten;
    }

    private async Task<IReadOnlyList<AlertEvent>> ApplyAsync(
        AlertRule rule, LabelSet group, string fingerprint, Verdict verdict, AlertInstance? stored, DateTimeOffset now, InvocationResult outputs, CancellationToken cancellationToken)
    {
        for (var attempt = 0; ; attempt++)
        {
            var state = stored?.State ?? AlertState.New(now);
            var step = AlertLifecycle.Next(state, verdict, now, rule.Lifecycle);
            if (!NeedsWrite(stored, step))
            {
                return [];
            }

            var status = verdict.Status is { } s ? s.ToString().ToLowerInvariant() : stored?.Status;
            var events = step.Events.Select(t => AlertEvent.Create(rule, group, step.State, t, status)).ToList();
            var last = events.Count > 0 ? events[^1] : null;
            var instance = new AlertInstance(
                rule.Name,
                fingerprint,
                group,
                last?.Labels ?? stored?.Labels ?? rule.InstanceLabels(group, step.State.Severity).ToDictionary(),
                last?.Annotations ?? stored?.Annotations ?? rule.RenderAnnotations(rule.InstanceLabels(group, step.State.Severity), step.State.Value, step.State.Severity, status),
                step.State,
                status,
                stored?.ETag ?? default)
            {
                LastEventJson = stored?.LastEventJson,
                ResendDue = stored?.ResendDue,
            };
            try
            {
                await _states.SaveAsync(WithResend(instance, events, now), cancellationToken);
            }
            catch (TableConflictException) when (attempt < MaxConflictRetries)
            {
                // Another evaluator moved this instance since we read it: decide again on what it wrote.
                LogConflict(_logger, rule.Name, fingerprint, attempt + 1);
                stored = await _states.GetAsync(rule.Name, fingerprint, cancellationToken);
                continue;
            }

            foreach (var alertEvent in events)
            {
                await EmitAsync(alertEvent, outputs, cancellationToken);
                LogTransition(_logger, alertEvent.Rule, alertEvent.Fingerprint, alertEvent.Transition, alertEvent.State, alertEvent.Severity);
            }

            return events;
        }
    }

    /// <summary>
    /// Sends once more the events whose resend is due (<see cref="AppSettings.AlertEventResendAfter"/> after their
    /// transition): the state is stored before the host writes the invocation's outputs, so if the host died in
    /// between, the redelivered trigger finds no transition and would never send that event. The resend has the
    /// same eventId; consumers dedupe on it.
    /// </summary>
    public async Task<int> ResendAsync(DateTimeOffset now, InvocationResult outputs, CancellationToken cancellationToken)
    {
        var resent = 0;
        foreach (var instance in await _states.ListAsync(null, cancellationToken))
        {
            if (instance.ResendDue is not { } due || due > now)
            {
                continue;
            }

            try
            {
                await _states.SaveAsync(instance with { ResendDue = null }, cancellationToken);
            }
            catch (TableConflictException)
            {
                continue; // changed meanwhile: the next sweep looks again
            }

            if (instance.LastEventJson is { } json && JsonSerializer.Deserialize<AlertEvent>(json, VigilJson.Options) is { } alertEvent)
            {
                await EmitAsync(alertEvent, outputs, cancellationToken);
                resent++;
            }
        }

        return resent;
    }

    private AlertInstance WithResend(AlertInstance instance, List<AlertEvent> events, DateTimeOffset now) =>
        events.Count == 0
            ? instance
            : instance with
            {
                LastEventJson = JsonSerializer.Serialize(events[^1], VigilJson.Options),
                ResendDue = _resendAfter > TimeSpan.Zero ? now + _resendAfter : null,
            };

    private async Task EmitAsync(AlertEvent alertEvent, InvocationResult outputs, CancellationToken cancellationToken)
    {
        outputs.AddMessage(AlertOutputs.AlertEvents, alertEvent);
        try
        {
            await _history.AppendAsync(alertEvent, cancellationToken);
        }
        catch (Exception ex) when (ex is Azure.RequestFailedException or HttpRequestException or TimeoutException)
        {
            // The event is committed with the state and goes out; a missing history row must not undo that.
            LogHistoryFailed(_logger, alertEvent.EventId, ex.GetType().Name);
        }
    }

    /// <summary>
    /// Quiet instances are not written: an instance with no row that is not breaching stays without one (rows
    /// exist only for instances that ever went pending), and a settled one is rewritten only when what the
    /// lifecycle remembers changes.
    /// </summary>
    private static bool NeedsWrite(AlertInstance? stored, LifecycleStep step)
    {
        if (step.Changed)
        {
            return true;
        }

        var next = step.State;
        if (stored is null)
        {
            return next.Phase != AlertPhase.Inactive;
        }

        var previous = stored.State;
        if (next.Phase is AlertPhase.Pending or AlertPhase.Firing || next.Flapping)
        {
            // Active: keep value, last breach (keepFiringFor) and last verdict (keepLast) current.
            return true;
        }

        return previous.LastVerdict?.Kind != next.LastVerdict?.Kind || previous.Changes.Count != next.Changes.Count;
    }

    private async Task<IReadOnlyList<InstanceVerdict>> JudgeAsync(
        AlertRule rule, IEnumerable<LabelSet> knownGroups, IReadOnlyDictionary<(ComponentKind, string), HealthStatus> statuses, DateTimeOffset now, CancellationToken cancellationToken)
    {
        switch (rule.Condition)
        {
            case ThresholdCondition threshold:
                var values = await _series.QueryAsync(threshold.Selector, threshold.Aggregation, rule.Window, rule.GroupBy, now, cancellationToken);
                return RuleEvaluator.EvaluateValues(rule, values, knownGroups);
            case RatioCondition ratio:
                var numerators = _series.QueryAsync(ratio.Numerator, ratio.Aggregation, rule.Window, rule.GroupBy, now, cancellationToken);
                var denominators = _series.QueryAsync(ratio.Denominator, ratio.Aggregation, rule.Window, rule.GroupBy, now, cancellationToken);
                return RuleEvaluator.EvaluateRatio(rule, await numerators, await denominators, knownGroups);
            case AbsentCondition absent:
                var series = await _series.ListSeriesAsync(absent.Selector, cancellationToken);
                return RuleEvaluator.EvaluateAbsent(rule, series, knownGroups, now);
            case StatusCondition status:
                var health = statuses.TryGetValue((status.Target, status.Name), out var found) ? found : HealthStatus.Unknown;
                return [RuleEvaluator.EvaluateStatus(rule, health)];
            default:
                throw new InvalidOperationException($"Rule {rule.Name} has an unknown kind {rule.Condition.GetType().Name}.");
        }
    }

    private async Task<IReadOnlyDictionary<(ComponentKind, string), HealthStatus>> ReadStatusesAsync(IReadOnlyList<AlertRule> rules, CancellationToken cancellationToken)
    {
        var kinds = rules.Select(r => r.Condition).OfType<StatusCondition>().Select(c => c.Target).ToHashSet();
        var result = new Dictionary<(ComponentKind, string), HealthStatus>();
        if (kinds.Count == 0)
        {
            return result;
        }

        foreach (var source in _statusSources.Where(s => s.Kinds.Any(kinds.Contains)))
        {
            foreach (var status in await source.GetStatusesAsync(cancellationToken))
            {
                result[(status.Kind, status.Name)] = status.Status;
            }
        }

        return result;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Alert {Rule}/{Fingerprint}: {Transition} -> {State} ({Severity})")]
    private static partial void LogTransition(ILogger logger, string rule, string fingerprint, string transition, string state, string? severity);

    [LoggerMessage(Level = LogLevel.Information, Message = "Alert {Rule}/{Fingerprint}: rule removed, instance retired")]
    private static partial void LogRetired(ILogger logger, string rule, string fingerprint);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Alert {Rule}/{Fingerprint}: concurrent update, deciding again (attempt {Attempt})")]
    private static partial void LogConflict(ILogger logger, string rule, string fingerprint, int attempt);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Alert event {EventId} sent but not recorded in history ({Error})")]
    private static partial void LogHistoryFailed(ILogger logger, string eventId, string error);
}
