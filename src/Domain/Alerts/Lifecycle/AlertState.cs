using Vigil.Domain.Rules;
using Vigil.Domain.Rules.Evaluation;

namespace Vigil.Domain.Alerts.Lifecycle;

/// <summary>Where an alert instance is in its life.</summary>
public enum AlertPhase
{
    /// <summary>Never fired, or a pending period ended without firing.</summary>
    Inactive,

    /// <summary>Breaching, waiting for <c>for</c> to pass.</summary>
    Pending,

    /// <summary>Firing: receivers were told.</summary>
    Firing,

    /// <summary>Was firing, is not any more (receivers were told it resolved).</summary>
    Resolved,
}

/// <summary>
/// The durable state of one alert instance (one rule, one label group): everything <see cref="AlertLifecycle.Next"/>
/// needs to decide the next transition. Immutable; the evaluator stores it with ETag concurrency.
/// </summary>
public sealed record AlertState
{
    /// <summary>How many recent firing/not-firing changes are kept for flapping detection at most.</summary>
    public const int MaxRememberedChanges = 32;

    public AlertPhase Phase { get; init; }

    /// <summary>The current severity (while pending or firing; the last one once resolved).</summary>
    public AlertSeverity? Severity { get; init; }

    /// <summary>The value of the last evaluation.</summary>
    public double? Value { get; init; }

    /// <summary>When the current pending or firing episode began breaching (the start of <c>for</c>).</summary>
    public DateTimeOffset? ActiveSince { get; init; }

    /// <summary>When the instance last started firing (the event's startsAt).</summary>
    public DateTimeOffset? FiringSince { get; init; }

    /// <summary>When the instance last resolved (the event's endsAt).</summary>
    public DateTimeOffset? ResolvedAt { get; init; }

    /// <summary>The last evaluation that was breaching (the start of <c>keepFiringFor</c>).</summary>
    public DateTimeOffset? LastBreachAt { get; init; }

    public DateTimeOffset? LastEvaluatedAt { get; init; }

    /// <summary>The last verdict that had data (what <c>noData: keepLast</c> repeats).</summary>
    public Verdict? LastVerdict { get; init; }

    public bool Flapping { get; init; }

    /// <summary>Recent changes between firing and not firing, oldest first (flapping detection).</summary>
    public IReadOnlyList<DateTimeOffset> Changes { get; init; } = [];

    /// <summary>How many events the instance has emitted; the next event's number is <c>Sequence + 1</c>.</summary>
    public long Sequence { get; init; }

    /// <summary>When the instance's state was first created: with <see cref="Sequence"/> it makes event ids unique even if a resolved instance is forgotten and comes back.</summary>
    public DateTimeOffset CreatedAt { get; init; }

    public static AlertState New(DateTimeOffset createdAt) => new() { CreatedAt = createdAt };

    public bool IsActive => Phase is AlertPhase.Pending or AlertPhase.Firing;
}
