using Vigil.Domain.Health;
using Vigil.Domain.Probes;
using Vigil.Domain.Probes.Status;

namespace Vigil.Domain.Tests.Probes;

public sealed class HeartbeatTrackerTests
{
    private static readonly DateTimeOffset Start = new(2026, 3, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly HeartbeatDefinition Nightly = new("nightly-export", TimeSpan.FromHours(24), TimeSpan.FromHours(2));

    [Fact]
    public void StatusAt_NeverBeat_UnknownUntilTheFirstDeadlineThenUnhealthy()
    {
        var state = HeartbeatTracker.Watch(Start);

        var early = HeartbeatTracker.StatusAt(state, Nightly, Start.AddHours(26));
        var late = HeartbeatTracker.StatusAt(state, Nightly, Start.AddHours(26).AddSeconds(1));

        Assert.Equal(HealthStatus.Unknown, early.Status);
        Assert.Equal(Start.AddHours(26), early.Deadline);
        Assert.Equal(HealthStatus.Unhealthy, late.Status);
        Assert.Equal(Start.AddHours(26), late.Since);
        Assert.Equal("no beat received since Vigil started watching at 2026-03-01 00:00:00 UTC (expected every 1d + grace 2h)", late.Error);
    }

    [Fact]
    public void StatusAt_BeatsOnTime_HealthySinceTheFirstOne()
    {
        var state = HeartbeatTracker.Beat(HeartbeatTracker.Watch(Start), Nightly, false, null, Start.AddHours(1));
        state = HeartbeatTracker.Beat(state, Nightly, false, null, Start.AddHours(25));
        state = HeartbeatTracker.Beat(state, Nightly, false, null, Start.AddHours(50));

        var view = HeartbeatTracker.StatusAt(state, Nightly, Start.AddHours(60));

        Assert.Equal(HealthStatus.Healthy, view.Status);
        Assert.Equal(Start.AddHours(1), view.Since);
        Assert.Equal(Start.AddHours(76), view.Deadline);
        Assert.Equal(3, state.Beats);
    }

    [Fact]
    public void StatusAt_MissedBeat_UnhealthyFromTheDeadlineUntilTheNextBeat()
    {
        var state = HeartbeatTracker.Beat(HeartbeatTracker.Watch(Start), Nightly, false, null, Start);

        var missed = HeartbeatTracker.StatusAt(state, Nightly, Start.AddHours(30));
        state = HeartbeatTracker.Beat(state, Nightly, false, null, Start.AddHours(31));
        var recovered = HeartbeatTracker.StatusAt(state, Nightly, Start.AddHours(31));

        Assert.Equal(HealthStatus.Unhealthy, missed.Status);
        Assert.Equal(Start.AddHours(26), missed.Since);
        Assert.Equal("no beat since 2026-03-01 00:00:00 UTC (expected every 1d + grace 2h)", missed.Error);
        Assert.Equal(HealthStatus.Healthy, recovered.Status);
        Assert.Equal(Start.AddHours(31), recovered.Since);
        Assert.Equal(missed.Error, state.LastError);
        Assert.Equal(Start.AddHours(26), state.LastErrorAt);
    }

    [Fact]
    public void Beat_Fail_UnhealthyAtOnceUntilASuccessfulBeat()
    {
        var state = HeartbeatTracker.Beat(HeartbeatTracker.Watch(Start), Nightly, false, null, Start);
        state = HeartbeatTracker.Beat(state, Nightly, true, "exit code 3", Start.AddHours(1));

        var failed = HeartbeatTracker.StatusAt(state, Nightly, Start.AddHours(1));
        state = HeartbeatTracker.Beat(state, Nightly, false, "retried", Start.AddHours(2));
        var recovered = HeartbeatTracker.StatusAt(state, Nightly, Start.AddHours(2));

        Assert.Equal(HealthStatus.Unhealthy, failed.Status);
        Assert.Equal(Start.AddHours(1), failed.Since);
        Assert.Equal("the last beat reported a failure: exit code 3", failed.Error);
        Assert.Equal(HealthStatus.Healthy, recovered.Status);
        Assert.Equal(Start.AddHours(2), recovered.Since);
        Assert.Equal("the job reported a failure: exit code 3", state.LastError);
        Assert.Equal("retried", state.LastMessage);
    }

    [Fact]
    public void Beat_WithoutWatchState_StartsWatchingAtTheBeat()
    {
        var state = HeartbeatTracker.Beat(null, Nightly, false, null, Start);

        Assert.Equal(Start, state.WatchedSince);
        Assert.Equal(HealthStatus.Healthy, HeartbeatTracker.StatusAt(state, Nightly, Start).Status);
    }

    [Fact]
    public void StatusAt_NoGrace_DeadlineIsExpectEvery()
    {
        var definition = new HeartbeatDefinition("job", TimeSpan.FromMinutes(5), TimeSpan.Zero);
        var state = HeartbeatTracker.Beat(null, definition, false, null, Start);

        Assert.Equal(HealthStatus.Healthy, HeartbeatTracker.StatusAt(state, definition, Start.AddMinutes(5)).Status);
        var late = HeartbeatTracker.StatusAt(state, definition, Start.AddMinutes(5).AddMilliseconds(1));
        Assert.Equal(HealthStatus.Unhealthy, late.Status);
        Assert.Equal("no beat since 2026-03-01 00:00:00 UTC (expected every 5m)", late.Error);
    }
}
