using Vigil.Domain.Rules;
using Vigil.Domain.Rules.Evaluation;

namespace Vigil.Domain.Alerts.Lifecycle;

/// <summary>
/// The alert state machine, a pure function <c>next(state, verdict, now) -&gt; (state', events)</c>:
/// <code>
/// inactive/resolved --breaching--&gt; pending --for passed, still breaching--&gt; firing --clear (after keepFiringFor)--&gt; resolved
///                   \--breaching, for = 0---------------------------------&gt; firing
/// pending --clear or band--&gt; inactive          firing --band (recover not met)--&gt; firing
/// firing --breaching at another severity--&gt; firing (severity changed)
/// </code>
/// No data is first mapped by the rule's noData policy. Flapping: more than N changes between firing and not
/// firing within the window marks the instance flapping (one event); phase events are then held back until it
/// has been stable for half the window, when one event announces the settled state.
/// </summary>
public static class AlertLifecycle
{
    private static readonly AlertTransition[] NoEvents = [];

    public static LifecycleStep Next(AlertState state, Verdict verdict, DateTimeOffset now, LifecycleOptions options)
    {
        var effective = Effective(state, verdict, options);
        var breaching = effective.Kind == VerdictKind.Breaching;

        var phase = state.Phase;
        var severity = state.Severity;
        var activeSince = state.ActiveSince;
        var firingSince = state.FiringSince;
        var resolvedAt = state.ResolvedAt;
        TransitionKind? transition = null;

        switch (state.Phase)
        {
            case AlertPhase.Inactive or AlertPhase.Resolved:
                if (breaching)
                {
                    severity = effective.Severity;
                    activeSince = now;
                    if (options.For <= TimeSpan.Zero)
                    {
                        (phase, firingSince, resolvedAt, transition) = (AlertPhase.Firing, now, null, TransitionKind.Firing);
                    }
                    else
                    {
                        (phase, transition) = (AlertPhase.Pending, TransitionKind.Pending);
                    }
                }

                break;

            case AlertPhase.Pending:
                if (!breaching)
                {
                    (phase, activeSince, transition) = (AlertPhase.Inactive, null, TransitionKind.Inactive);
                }
                else
                {
                    severity = effective.Severity;
                    if (now - (activeSince ?? now) >= options.For)
                    {
                        (phase, firingSince, resolvedAt, transition) = (AlertPhase.Firing, now, null, TransitionKind.Firing);
                    }
                }

                break;

            case AlertPhase.Firing:
                if (breaching)
                {
                    if (effective.Severity != severity)
                    {
                        severity = effective.Severity;
                        transition = TransitionKind.SeverityChanged;
                    }
                }
                else if (effective.Kind != VerdictKind.Band && !KeepsFiring(state, now, options))
                {
                    (phase, resolvedAt, activeSince, transition) = (AlertPhase.Resolved, now, null, TransitionKind.Resolved);
                }

                break;
        }

        var wasFiring = state.Phase == AlertPhase.Firing;
        var isFiring = phase == AlertPhase.Firing;
        var changes = state.Changes;
        if (wasFiring != isFiring && options.Flapping.Enabled)
        {
            changes = Remember(changes, now, options.Flapping);
        }

        var flapping = state.Flapping;
        TransitionKind? emitted = transition;
        if (options.Flapping.Enabled)
        {
            if (!flapping && wasFiring != isFiring && CountWithin(changes, now, options.Flapping.Window) > options.Flapping.MaxChanges)
            {
                flapping = true;
                emitted = TransitionKind.FlappingStarted;
            }
            else if (flapping)
            {
                var lastChange = changes.Count > 0 ? changes[^1] : DateTimeOffset.MinValue;
                emitted = now - lastChange >= options.Flapping.StableFor ? TransitionKind.FlappingStopped : null;
                flapping = emitted is null;
                if (!flapping)
                {
                    changes = []; // a fresh start: the next burst of changes is counted anew
                }
            }
        }
        else if (flapping)
        {
            // Flapping detection was turned off in the configuration: settle at once.
            flapping = false;
            emitted = TransitionKind.FlappingStopped;
        }

        var next = state with
        {
            Phase = phase,
            Severity = severity,
            Value = effective.Value ?? verdict.Value,
            ActiveSince = activeSince,
            FiringSince = firingSince,
            ResolvedAt = resolvedAt,
            LastBreachAt = breaching ? now : state.LastBreachAt,
            LastEvaluatedAt = now,
            LastVerdict = verdict.Kind == VerdictKind.NoData ? state.LastVerdict : verdict,
            Flapping = flapping,
            Changes = changes,
        };

        if (emitted is not { } kind)
        {
            return new LifecycleStep(next, NoEvents);
        }

        next = next with { Sequence = state.Sequence + 1 };
        var announced = kind switch
        {
            TransitionKind.Pending => AlertEventState.Pending,
            TransitionKind.Inactive => AlertEventState.Inactive,
            TransitionKind.FlappingStarted or TransitionKind.FlappingStopped => isFiring || kind == TransitionKind.FlappingStarted ? AlertEventState.Firing : AlertEventState.Resolved,
            TransitionKind.Resolved => AlertEventState.Resolved,
            _ => AlertEventState.Firing,
        };
        var endsAt = announced == AlertEventState.Resolved ? (resolvedAt ?? now) : (DateTimeOffset?)null;
        var startsAt = firingSince ?? activeSince;
        var @event = new AlertTransition(kind, next.Sequence, phase, announced, severity, next.Value, now, flapping || kind == TransitionKind.FlappingStarted, startsAt, endsAt);
        return new LifecycleStep(next, [@event]);
    }

    /// <summary>
    /// Ends an instance whose rule was removed or renamed: a firing (or flapping) instance resolves with a resolved
    /// event, a pending one goes inactive; an inactive or resolved one has nothing to announce.
    /// </summary>
    public static LifecycleStep Retire(AlertState state, DateTimeOffset now)
    {
        var wasFiring = state.Phase == AlertPhase.Firing;
        if (state.Phase is AlertPhase.Inactive or AlertPhase.Resolved && !state.Flapping)
        {
            return new LifecycleStep(state, NoEvents);
        }

        var phase = wasFiring || state.Flapping ? AlertPhase.Resolved : AlertPhase.Inactive;
        var resolvedAt = phase == AlertPhase.Resolved ? (state.Phase == AlertPhase.Resolved ? state.ResolvedAt ?? now : now) : state.ResolvedAt;
        var next = state with
        {
            Phase = phase,
            ActiveSince = null,
            ResolvedAt = resolvedAt,
            Flapping = false,
            Changes = [],
            LastEvaluatedAt = now,
            Sequence = state.Sequence + 1,
        };
        var kind = phase == AlertPhase.Resolved ? TransitionKind.Resolved : TransitionKind.Inactive;
        var announced = phase == AlertPhase.Resolved ? AlertEventState.Resolved : AlertEventState.Inactive;
        var @event = new AlertTransition(kind, next.Sequence, phase, announced, state.Severity, state.Value, now, false, state.FiringSince ?? state.ActiveSince, phase == AlertPhase.Resolved ? resolvedAt : null);
        return new LifecycleStep(next, [@event]);
    }

    /// <summary>The verdict after the noData policy: ok is clear, alerting breaches at the rule's highest severity, keepLast repeats the last verdict with data.</summary>
    public static Verdict Effective(AlertState state, Verdict verdict, LifecycleOptions options)
    {
        if (verdict.Kind != VerdictKind.NoData)
        {
            return verdict;
        }

        return options.NoData switch
        {
            NoDataPolicy.Alerting => Verdict.Breaching(options.NoDataSeverity, verdict.Value, verdict.Status),
            NoDataPolicy.KeepLast when state.LastVerdict is { } last => last,
            _ => Verdict.Clear(verdict.Value, verdict.Status),
        };
    }

    private static bool KeepsFiring(AlertState state, DateTimeOffset now, LifecycleOptions options) =>
        options.KeepFiringFor > TimeSpan.Zero && state.LastBreachAt is { } lastBreach && now - lastBreach < options.KeepFiringFor;

    private static List<DateTimeOffset> Remember(IReadOnlyList<DateTimeOffset> changes, DateTimeOffset now, FlappingPolicy policy)
    {
        var keep = Math.Min(AlertState.MaxRememberedChanges, policy.MaxChanges + 1);
        var result = new List<DateTimeOffset>(keep);
        var from = Math.Max(0, changes.Count - (keep - 1));
        for (var i = from; i < changes.Count; i++)
        {
            if (now - changes[i] < policy.Window)
            {
                result.Add(changes[i]);
            }
        }

        result.Add(now);
        return result;
    }

    private static int CountWithin(IReadOnlyList<DateTimeOffset> changes, DateTimeOffset now, TimeSpan window)
    {
        var count = 0;
        foreach (var change in changes)
        {
            if (now - change < window)
            {
                count++;
            }
        }

        return count;
    }
}
