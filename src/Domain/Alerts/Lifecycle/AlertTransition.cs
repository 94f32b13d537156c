using Vigil.Domain.Rules;

namespace Vigil.Domain.Alerts.Lifecycle;

/// <summary>What happened to an instance; each is one alert event on the queue.</summary>
public enum TransitionKind
{
    /// <summary>Started breaching; firing once <c>for</c> has passed.</summary>
    Pending,

    /// <summary>Pending ended without firing (the condition cleared in time).</summary>
    Inactive,

    /// <summary>Started firing.</summary>
    Firing,

    /// <summary>Still firing, at another severity.</summary>
    SeverityChanged,

    /// <summary>Stopped firing.</summary>
    Resolved,

    /// <summary>Changed between firing and not firing too often: notified once; quiet until stable.</summary>
    FlappingStarted,

    /// <summary>Held one state long enough: the settled state (<see cref="AlertTransition.State"/>) is notified.</summary>
    FlappingStopped,
}

/// <summary>
/// One transition of an alert instance. <see cref="State"/> is what receivers should believe: <c>firing</c> or
/// <c>resolved</c> for the notified transitions, <c>pending</c>/<c>inactive</c> for the others.
/// </summary>
public sealed record AlertTransition(
    TransitionKind Kind,
    long Sequence,
    AlertPhase Phase,
    AlertEventState State,
    AlertSeverity? Severity,
    double? Value,
    DateTimeOffset At,
    bool Flapping,
    DateTimeOffset? StartsAt,
    DateTimeOffset? EndsAt);

/// <summary>The state an alert event announces (the message's <c>state</c>).</summary>
public enum AlertEventState
{
    Pending,
    Inactive,
    Firing,
    Resolved,
}

/// <summary>The result of one lifecycle step.</summary>
public readonly record struct LifecycleStep(AlertState State, IReadOnlyList<AlertTransition> Events)
{
    public bool Changed => Events.Count > 0;
}
