using Vigil.Domain.Health;
using Vigil.Domain.Probes.Results;

namespace Vigil.Domain.Probes.Status;

/// <summary>
/// What Vigil remembers of a probe between runs: its smoothed status and since when, the streaks of recent run
/// results that move it, the last run and the last problem (even a blip that did not change the status).
/// </summary>
public sealed record ProbeState
{
    public static readonly ProbeState Initial = new();

    public HealthStatus Status { get; init; } = HealthStatus.Unknown;

    /// <summary>When <see cref="Status"/> began (null while unknown from the start).</summary>
    public DateTimeOffset? Since { get; init; }

    /// <summary>Consecutive runs that failed (unhealthy).</summary>
    public int UnhealthyRuns { get; init; }

    /// <summary>Consecutive runs that were not healthy (degraded or unhealthy).</summary>
    public int NotHealthyRuns { get; init; }

    /// <summary>Consecutive healthy runs.</summary>
    public int HealthyRuns { get; init; }

    /// <summary>Consecutive runs that succeeded (healthy or degraded).</summary>
    public int PassingRuns { get; init; }

    /// <summary>The timer tick that last ran the probe (what scheduling counts from).</summary>
    public DateTimeOffset? LastScheduledAt { get; init; }

    public ProbeResult? LastResult { get; init; }

    /// <summary>The last run that was not healthy, and why (kept after recovery: the status view shows blips).</summary>
    public DateTimeOffset? LastErrorAt { get; init; }

    public string? LastError { get; init; }

    public long Runs { get; init; }
}

/// <summary>One run applied: the new state, and whether the smoothed status changed (what status rules follow).</summary>
public readonly record struct ProbeStep(ProbeState State, HealthStatus Previous)
{
    public bool Changed => State.Status != Previous;
}

/// <summary>
/// Smooths run results into a status, so a single blip pages nobody:
/// <list type="bullet">
/// <item>the status gets worse when the last <c>failureThreshold</c> runs were all at least that bad (all failed:
/// unhealthy; all degraded or failed: degraded);</item>
/// <item>it gets better when the last <c>successThreshold</c> runs were all at least that good (all healthy:
/// healthy; all passing: degraded);</item>
/// <item>a new probe (unknown) takes the level of its first passing run at once; a failure leaves it unknown until
/// the failure threshold is met.</item>
/// </list>
/// A probe without a result for longer than its stale limit reads as unknown (no data), see <see cref="CurrentStatus"/>.
/// </summary>
public static class ProbeTracker
{
    public static ProbeStep Next(ProbeState state, ProbeResult result, int failureThreshold, int successThreshold, DateTimeOffset scheduledAt)
    {
        var raw = result.Status;
        var next = state with
        {
            UnhealthyRuns = raw == HealthStatus.Unhealthy ? state.UnhealthyRuns + 1 : 0,
            NotHealthyRuns = raw != HealthStatus.Healthy ? state.NotHealthyRuns + 1 : 0,
            HealthyRuns = raw == HealthStatus.Healthy ? state.HealthyRuns + 1 : 0,
            PassingRuns = raw != HealthStatus.Unhealthy ? state.PassingRuns + 1 : 0,
            LastScheduledAt = scheduledAt,
            LastResult = result,
            LastErrorAt = result.Error is null ? state.LastErrorAt : result.CompletedAt,
            LastError = result.Error ?? state.LastError,
            Runs = state.Runs + 1,
        };

        var sustainedWorst = next.UnhealthyRuns >= failureThreshold ? HealthStatus.Unhealthy
            : next.NotHealthyRuns >= failureThreshold ? HealthStatus.Degraded
            : HealthStatus.Healthy;
        var sustainedBest = next.HealthyRuns >= successThreshold ? HealthStatus.Healthy
            : next.PassingRuns >= successThreshold ? HealthStatus.Degraded
            : HealthStatus.Unhealthy;

        var status = state.Status;
        if (status == HealthStatus.Unknown)
        {
            status = raw == HealthStatus.Unhealthy && sustainedWorst == HealthStatus.Healthy ? HealthStatus.Unknown : sustainedWorst;
        }
        else if (sustainedWorst > status)
        {
            status = sustainedWorst;
        }
        else if (sustainedBest < status)
        {
            status = sustainedBest;
        }

        if (status != state.Status)
        {
            next = next with { Status = status, Since = result.CompletedAt };
        }

        return new ProbeStep(next, state.Status);
    }

    /// <summary>The status to report at <paramref name="now"/>: unknown when the probe never ran or its last result is older than <paramref name="staleAfter"/>.</summary>
    public static HealthStatus CurrentStatus(ProbeState state, DateTimeOffset now, TimeSpan staleAfter) =>
        IsStale(state, now, staleAfter) ? HealthStatus.Unknown : state.Status;

    public static bool IsStale(ProbeState state, DateTimeOffset now, TimeSpan staleAfter) =>
        state.LastResult is not { } last || now - last.CompletedAt > staleAfter;
}
