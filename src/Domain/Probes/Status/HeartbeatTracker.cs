using Vigil.Domain.Health;
using Vigil.Domain.Time;

namespace Vigil.Domain.Probes.Status;

/// <summary>
/// What Vigil remembers of a heartbeat: since when it is watched, the last beat (and whether the job reported a
/// failure), since when the beats have been on time, and the last problem.
/// </summary>
public sealed record HeartbeatState
{
    /// <summary>When Vigil started watching this heartbeat: with no beat, it is missed at this + expectEvery + grace.</summary>
    public required DateTimeOffset WatchedSince { get; init; }

    public DateTimeOffset? LastBeatAt { get; init; }

    /// <summary>The last beat said <c>?status=fail</c>.</summary>
    public bool LastBeatFailed { get; init; }

    public string? LastMessage { get; init; }

    /// <summary>When the current run of on-time, successful beats began.</summary>
    public DateTimeOffset? HealthySince { get; init; }

    public DateTimeOffset? LastErrorAt { get; init; }

    public string? LastError { get; init; }

    public long Beats { get; init; }
}

/// <summary>A heartbeat's status at a moment, since when, and why when it is not healthy.</summary>
public sealed record HeartbeatView(HealthStatus Status, DateTimeOffset? Since, string? Error, DateTimeOffset? Deadline);

/// <summary>
/// A dead man's switch: healthy while beats arrive within <c>expectEvery + grace</c> of each other; unhealthy once
/// that passes without a beat (since the deadline), or at once when a beat reports <c>?status=fail</c> (until a
/// successful beat). A heartbeat that never beat is unknown until its first deadline (counted from when Vigil
/// started watching it), then unhealthy.
/// </summary>
public static class HeartbeatTracker
{
    public static HeartbeatState Watch(DateTimeOffset now) => new() { WatchedSince = now };

    public static HeartbeatView StatusAt(HeartbeatState state, HeartbeatDefinition definition, DateTimeOffset now)
    {
        if (state.LastBeatAt is not { } last)
        {
            var firstDeadline = state.WatchedSince + definition.Deadline;
            return now > firstDeadline
                ? new HeartbeatView(HealthStatus.Unhealthy, firstDeadline, $"no beat received since Vigil started watching at {Stamp(state.WatchedSince)} (expected every {Every(definition)})", firstDeadline)
                : new HeartbeatView(HealthStatus.Unknown, null, null, firstDeadline);
        }

        var deadline = last + definition.Deadline;
        if (state.LastBeatFailed)
        {
            return new HeartbeatView(HealthStatus.Unhealthy, last, state.LastMessage is { } message ? $"the last beat reported a failure: {message}" : "the last beat reported a failure", deadline);
        }

        if (now > deadline)
        {
            return new HeartbeatView(HealthStatus.Unhealthy, deadline, $"no beat since {Stamp(last)} (expected every {Every(definition)})", deadline);
        }

        return new HeartbeatView(HealthStatus.Healthy, state.HealthySince ?? last, null, deadline);
    }

    /// <summary>Records a beat at <paramref name="now"/>; returns the new state.</summary>
    public static HeartbeatState Beat(HeartbeatState? state, HeartbeatDefinition definition, bool failed, string? message, DateTimeOffset now)
    {
        var current = state ?? Watch(now);
        var before = StatusAt(current, definition, now);
        var next = current with
        {
            LastBeatAt = now,
            LastBeatFailed = failed,
            LastMessage = message,
            Beats = current.Beats + 1,
            HealthySince = failed ? null : before.Status == HealthStatus.Healthy ? current.HealthySince ?? current.LastBeatAt : now,
        };

        if (failed)
        {
            return next with { LastErrorAt = now, LastError = message is null ? "the job reported a failure" : $"the job reported a failure: {message}" };
        }

        if (before.Status == HealthStatus.Unhealthy && before.Error is { } missed && !current.LastBeatFailed)
        {
            // The beat is late: remember the gap as the last problem.
            return next with { LastErrorAt = before.Since, LastError = missed };
        }

        return next;
    }

    private static string Every(HeartbeatDefinition definition) =>
        definition.Grace > TimeSpan.Zero ? $"{DurationText.Format(definition.ExpectEvery)} + grace {DurationText.Format(definition.Grace)}" : DurationText.Format(definition.ExpectEvery);

    private static string Stamp(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss 'UTC'", System.Globalization.CultureInfo.InvariantCulture);
}
