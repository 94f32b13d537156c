using Vigil.Domain.Alerts.Lifecycle;
using Vigil.Domain.Rules;
using Vigil.Domain.Rules.Evaluation;

namespace Vigil.Domain.Tests.Alerts;

/// <summary>Every edge of the state machine, driven by a fake clock (seconds after <see cref="T0"/>).</summary>
public sealed class AlertLifecycleTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 21, 12, 0, 0, TimeSpan.Zero);

    private static readonly Verdict Clear = Verdict.Clear(0.1);
    private static readonly Verdict Warn = Verdict.Breaching(AlertSeverity.Warning, 1.5);
    private static readonly Verdict Crit = Verdict.Breaching(AlertSeverity.Critical, 5);
    private static readonly Verdict Band = Verdict.Band(0.9);
    private static readonly Verdict NoData = Verdict.NoData();

    private static LifecycleOptions Options(
        double forSeconds = 0,
        double keepFiringForSeconds = 0,
        NoDataPolicy noData = NoDataPolicy.Ok,
        FlappingPolicy? flapping = null) =>
        new(TimeSpan.FromSeconds(forSeconds), TimeSpan.FromSeconds(keepFiringForSeconds), noData, AlertSeverity.Critical, flapping ?? FlappingPolicy.Off);

    /// <summary>One instance and a fake clock.</summary>
    private sealed class Instance(LifecycleOptions options)
    {
        public AlertState State { get; private set; } = AlertState.New(T0);

        public List<AlertTransition> Events { get; } = [];

        public LifecycleOptions Options { get; set; } = options;

        /// <summary>Evaluates at T0 + <paramref name="seconds"/>; returns that step's events.</summary>
        public IReadOnlyList<AlertTransition> At(double seconds, Verdict verdict)
        {
            var step = AlertLifecycle.Next(State, verdict, T0.AddSeconds(seconds), Options);
            State = step.State;
            Events.AddRange(step.Events);
            return step.Events;
        }
    }

    private static TransitionKind Kind(IReadOnlyList<AlertTransition> events) => Assert.Single(events).Kind;

    // ---- inactive ----

    [Fact]
    public void Inactive_Clear_StaysInactiveSilently()
    {
        var alert = new Instance(Options());

        Assert.Empty(alert.At(0, Clear));
        Assert.Equal(AlertPhase.Inactive, alert.State.Phase);
        Assert.Equal(0.1, alert.State.Value);
    }

    [Fact]
    public void Inactive_BreachingWithoutFor_FiresAtOnce()
    {
        var alert = new Instance(Options());

        var e = Assert.Single(alert.At(10, Crit));

        Assert.Equal(TransitionKind.Firing, e.Kind);
        Assert.Equal(AlertEventState.Firing, e.State);
        Assert.Equal(AlertSeverity.Critical, e.Severity);
        Assert.Equal(T0.AddSeconds(10), e.StartsAt);
        Assert.Null(e.EndsAt);
        Assert.Equal(1, e.Sequence);
        Assert.Equal(AlertPhase.Firing, alert.State.Phase);
    }

    [Fact]
    public void Inactive_BreachingWithFor_GoesPending()
    {
        var alert = new Instance(Options(forSeconds: 60));

        var e = Assert.Single(alert.At(10, Warn));

        Assert.Equal(TransitionKind.Pending, e.Kind);
        Assert.Equal(AlertEventState.Pending, e.State);
        Assert.Equal(T0.AddSeconds(10), alert.State.ActiveSince);
        Assert.Equal(AlertPhase.Pending, alert.State.Phase);
    }

    [Theory]
    [InlineData(NoDataPolicy.Ok)]
    [InlineData(NoDataPolicy.KeepLast)]
    public void Inactive_BandOrNoData_StaysInactive(NoDataPolicy policy)
    {
        var alert = new Instance(Options(noData: policy));

        Assert.Empty(alert.At(0, Band));
        Assert.Empty(alert.At(10, NoData));
        Assert.Equal(AlertPhase.Inactive, alert.State.Phase);
    }

    [Fact]
    public void Inactive_NoDataAlerting_FiresWithTheRulesHighestSeverity()
    {
        var alert = new Instance(Options(noData: NoDataPolicy.Alerting));

        var e = Assert.Single(alert.At(0, NoData));

        Assert.Equal(TransitionKind.Firing, e.Kind);
        Assert.Equal(AlertSeverity.Critical, e.Severity);
    }

    // ---- pending ----

    [Fact]
    public void Pending_BreachingBeforeForPasses_StaysPendingSilently()
    {
        var alert = new Instance(Options(forSeconds: 60));
        alert.At(0, Warn);

        Assert.Empty(alert.At(30, Crit));
        Assert.Empty(alert.At(59.999, Crit));
        Assert.Equal(AlertPhase.Pending, alert.State.Phase);
        Assert.Equal(AlertSeverity.Critical, alert.State.Severity);
    }

    [Fact]
    public void Pending_BreachingWhenForHasExactlyPassed_Fires()
    {
        var alert = new Instance(Options(forSeconds: 60));
        alert.At(0, Warn);

        var e = Assert.Single(alert.At(60, Warn));

        Assert.Equal(TransitionKind.Firing, e.Kind);
        Assert.Equal(T0.AddSeconds(60), e.StartsAt);
        Assert.Equal(T0.AddSeconds(60), alert.State.FiringSince);
    }

    [Theory]
    [InlineData(VerdictKind.Clear)]
    [InlineData(VerdictKind.Band)]
    [InlineData(VerdictKind.NoData)]
    public void Pending_NotBreaching_GoesBackToInactive(VerdictKind kind)
    {
        var alert = new Instance(Options(forSeconds: 60));
        alert.At(0, Warn);

        var e = Assert.Single(alert.At(30, kind switch { VerdictKind.Clear => Clear, VerdictKind.Band => Band, _ => NoData }));

        Assert.Equal(TransitionKind.Inactive, e.Kind);
        Assert.Equal(AlertEventState.Inactive, e.State);
        Assert.Equal(AlertPhase.Inactive, alert.State.Phase);
        Assert.Null(alert.State.ActiveSince);
    }

    [Fact]
    public void Pending_ClearThenBreachingAgain_RestartsTheForPeriod()
    {
        var alert = new Instance(Options(forSeconds: 60));
        alert.At(0, Warn);
        alert.At(30, Clear);
        alert.At(40, Warn);

        Assert.Empty(alert.At(90, Warn));
        Assert.Equal(TransitionKind.Firing, Kind(alert.At(100, Warn)));
    }

    [Fact]
    public void Pending_NoDataKeepLast_RepeatsTheBreachAndFiresAfterFor()
    {
        var alert = new Instance(Options(forSeconds: 60, noData: NoDataPolicy.KeepLast));
        alert.At(0, Warn);

        Assert.Empty(alert.At(30, NoData));
        Assert.Equal(TransitionKind.Firing, Kind(alert.At(60, NoData)));
    }

    [Fact]
    public void Pending_NoDataAlerting_KeepsPendingAndFires()
    {
        var alert = new Instance(Options(forSeconds: 60, noData: NoDataPolicy.Alerting));
        alert.At(0, Warn);

        var e = Assert.Single(alert.At(60, NoData));

        Assert.Equal(TransitionKind.Firing, e.Kind);
        Assert.Equal(AlertSeverity.Critical, e.Severity);
    }

    // ---- firing ----

    [Fact]
    public void Firing_BreachingAtTheSameSeverity_IsSilent()
    {
        var alert = new Instance(Options());
        alert.At(0, Warn);

        Assert.Empty(alert.At(10, Warn));
        Assert.Equal(AlertPhase.Firing, alert.State.Phase);
    }

    [Fact]
    public void Firing_SeverityRisesAndFalls_EachIsOneEvent()
    {
        var alert = new Instance(Options());
        alert.At(0, Warn);

        var up = Assert.Single(alert.At(10, Crit));
        var down = Assert.Single(alert.At(20, Warn));

        Assert.Equal((TransitionKind.SeverityChanged, AlertSeverity.Critical, AlertEventState.Firing), (up.Kind, up.Severity, up.State));
        Assert.Equal((TransitionKind.SeverityChanged, AlertSeverity.Warning), (down.Kind, down.Severity));
        Assert.Equal(T0, down.StartsAt);
    }

    [Fact]
    public void Firing_Clear_ResolvesWithEndsAt()
    {
        var alert = new Instance(Options());
        alert.At(0, Crit);

        var e = Assert.Single(alert.At(30, Clear));

        Assert.Equal(TransitionKind.Resolved, e.Kind);
        Assert.Equal(AlertEventState.Resolved, e.State);
        Assert.Equal(AlertSeverity.Critical, e.Severity);
        Assert.Equal(T0, e.StartsAt);
        Assert.Equal(T0.AddSeconds(30), e.EndsAt);
        Assert.Equal(AlertPhase.Resolved, alert.State.Phase);
    }

    [Fact]
    public void Firing_ClearWithinKeepFiringFor_KeepsFiring()
    {
        var alert = new Instance(Options(keepFiringForSeconds: 120));
        alert.At(0, Crit);

        Assert.Empty(alert.At(30, Clear));
        Assert.Empty(alert.At(119.999, Clear));
        Assert.Equal(AlertPhase.Firing, alert.State.Phase);
    }

    [Fact]
    public void Firing_ClearWhenKeepFiringForHasPassedSinceTheLastBreach_Resolves()
    {
        var alert = new Instance(Options(keepFiringForSeconds: 120));
        alert.At(0, Crit);
        alert.At(30, Clear);

        var e = Assert.Single(alert.At(120, Clear));

        Assert.Equal(TransitionKind.Resolved, e.Kind);
        Assert.Equal(T0.AddSeconds(120), e.EndsAt);
    }

    [Fact]
    public void Firing_BreachDuringKeepFiringFor_RestartsIt()
    {
        var alert = new Instance(Options(keepFiringForSeconds: 120));
        alert.At(0, Crit);
        alert.At(60, Clear);
        alert.At(100, Crit);

        Assert.Empty(alert.At(200, Clear));
        Assert.Equal(TransitionKind.Resolved, Kind(alert.At(220, Clear)));
    }

    [Fact]
    public void Firing_Band_KeepsFiringUntilRecovered()
    {
        var alert = new Instance(Options());
        alert.At(0, Warn);

        Assert.Empty(alert.At(10, Band));
        Assert.Empty(alert.At(20, Band));
        Assert.Equal(AlertSeverity.Warning, alert.State.Severity);
        Assert.Equal(TransitionKind.Resolved, Kind(alert.At(30, Clear)));
    }

    [Theory]
    [InlineData(NoDataPolicy.Ok, true)]
    [InlineData(NoDataPolicy.KeepLast, false)]
    [InlineData(NoDataPolicy.Alerting, false)]
    public void Firing_NoData_FollowsThePolicy(NoDataPolicy policy, bool resolves)
    {
        var alert = new Instance(Options(noData: policy));
        alert.At(0, Warn);

        var events = alert.At(10, NoData);

        if (resolves)
        {
            Assert.Equal(TransitionKind.Resolved, Kind(events));
        }
        else if (policy == NoDataPolicy.Alerting)
        {
            // Breaching at the rule's highest severity: a severity change, still firing.
            Assert.Equal(TransitionKind.SeverityChanged, Kind(events));
            Assert.Equal(AlertPhase.Firing, alert.State.Phase);
        }
        else
        {
            Assert.Empty(events);
            Assert.Equal(AlertPhase.Firing, alert.State.Phase);
        }
    }

    [Fact]
    public void Firing_NoDataOkWithKeepFiringFor_WaitsBeforeResolving()
    {
        var alert = new Instance(Options(keepFiringForSeconds: 60));
        alert.At(0, Warn);

        Assert.Empty(alert.At(30, NoData));
        Assert.Equal(TransitionKind.Resolved, Kind(alert.At(60, NoData)));
    }

    // ---- resolved ----

    [Fact]
    public void Resolved_BreachingWithoutFor_FiresAgainWithNewStartsAt()
    {
        var alert = new Instance(Options());
        alert.At(0, Warn);
        alert.At(10, Clear);

        var e = Assert.Single(alert.At(20, Crit));

        Assert.Equal(TransitionKind.Firing, e.Kind);
        Assert.Equal(T0.AddSeconds(20), e.StartsAt);
        Assert.Null(alert.State.ResolvedAt);
        Assert.Equal(3, e.Sequence);
    }

    [Fact]
    public void Resolved_BreachingWithFor_GoesPendingFirst()
    {
        var alert = new Instance(Options(forSeconds: 30));
        alert.At(0, Warn);
        alert.At(30, Warn);
        alert.At(40, Clear);

        Assert.Equal(TransitionKind.Pending, Kind(alert.At(50, Warn)));
        Assert.Equal(TransitionKind.Firing, Kind(alert.At(80, Warn)));
    }

    [Fact]
    public void Resolved_ClearBandOrNoData_StaysResolvedSilently()
    {
        var alert = new Instance(Options());
        alert.At(0, Warn);
        alert.At(10, Clear);

        Assert.Empty(alert.At(20, Clear));
        Assert.Empty(alert.At(30, Band));
        Assert.Empty(alert.At(40, NoData));
        Assert.Equal(AlertPhase.Resolved, alert.State.Phase);
        Assert.Equal(T0.AddSeconds(10), alert.State.ResolvedAt);
    }

    // ---- flapping ----

    private static readonly FlappingPolicy Flap = new(4, TimeSpan.FromMinutes(10));

    [Fact]
    public void Flapping_MoreChangesThanAllowedInTheWindow_IsNotifiedOnceThenQuiet()
    {
        var alert = new Instance(Options(flapping: Flap));

        Assert.Equal(TransitionKind.Firing, Kind(alert.At(0, Crit)));
        Assert.Equal(TransitionKind.Resolved, Kind(alert.At(60, Clear)));
        Assert.Equal(TransitionKind.Firing, Kind(alert.At(120, Crit)));
        Assert.Equal(TransitionKind.Resolved, Kind(alert.At(180, Clear)));
        var flapping = Assert.Single(alert.At(240, Crit));
        Assert.Equal((TransitionKind.FlappingStarted, true, AlertEventState.Firing), (flapping.Kind, flapping.Flapping, flapping.State));

        for (var t = 300; t < 600; t += 60)
        {
            Assert.Empty(alert.At(t, t % 120 == 0 ? Crit : Clear));
        }

        Assert.True(alert.State.Flapping);
    }

    [Fact]
    public void Flapping_StableForHalfTheWindow_AnnouncesTheSettledResolvedState()
    {
        var alert = new Instance(Options(flapping: Flap));
        for (var i = 0; i < 5; i++)
        {
            alert.At(i * 60, i % 2 == 0 ? Crit : Clear);
        }

        Assert.Empty(alert.At(300, Clear)); // last change at 300: resolved
        Assert.Empty(alert.At(599, Clear));
        var settled = Assert.Single(alert.At(600, Clear));

        Assert.Equal((TransitionKind.FlappingStopped, false, AlertEventState.Resolved), (settled.Kind, settled.Flapping, settled.State));
        Assert.NotNull(settled.EndsAt);
        Assert.False(alert.State.Flapping);
        Assert.Empty(alert.State.Changes);
    }

    [Fact]
    public void Flapping_StableWhileFiring_AnnouncesFiring()
    {
        var alert = new Instance(Options(flapping: Flap));
        for (var i = 0; i < 5; i++)
        {
            alert.At(i * 60, i % 2 == 0 ? Crit : Clear);
        }

        var settled = Assert.Single(alert.At(240 + 300, Crit));

        Assert.Equal((TransitionKind.FlappingStopped, AlertEventState.Firing), (settled.Kind, settled.State));
        Assert.Null(settled.EndsAt);
    }

    [Fact]
    public void Flapping_ChangesSpreadBeyondTheWindow_AreNotFlapping()
    {
        var alert = new Instance(Options(flapping: Flap));

        for (var i = 0; i < 12; i++)
        {
            var e = Assert.Single(alert.At(i * 200, i % 2 == 0 ? Crit : Clear));
            Assert.NotEqual(TransitionKind.FlappingStarted, e.Kind);
        }
    }

    [Fact]
    public void Flapping_Disabled_NeverFlaps()
    {
        var alert = new Instance(Options(flapping: FlappingPolicy.Off));

        for (var i = 0; i < 20; i++)
        {
            alert.At(i, i % 2 == 0 ? Crit : Clear);
        }

        Assert.Equal(20, alert.Events.Count);
        Assert.DoesNotContain(alert.Events, e => e.Flapping);
    }

    [Fact]
    public void Flapping_TurnedOffWhileFlapping_SettlesAtOnce()
    {
        var alert = new Instance(Options(flapping: Flap));
        for (var i = 0; i < 5; i++)
        {
            alert.At(i * 60, i % 2 == 0 ? Crit : Clear);
        }

        alert.Options = Options(flapping: FlappingPolicy.Off);
        var settled = Assert.Single(alert.At(250, Crit));

        Assert.Equal((TransitionKind.FlappingStopped, AlertEventState.Firing), (settled.Kind, settled.State));
    }

    [Fact]
    public void Flapping_PendingPeriodsAbsorbFlips_OnlyFiringChangesCount()
    {
        var alert = new Instance(Options(forSeconds: 60, flapping: Flap));

        for (var i = 0; i < 20; i++)
        {
            alert.At(i * 30, i % 2 == 0 ? Crit : Clear);
        }

        Assert.All(alert.Events, e => Assert.Contains(e.Kind, new[] { TransitionKind.Pending, TransitionKind.Inactive }));
        Assert.False(alert.State.Flapping);
    }

    // ---- determinism, redelivery, sequence ----

    [Fact]
    public void Next_SameVerdictAppliedTwice_EmitsNoSecondEvent()
    {
        var alert = new Instance(Options());
        alert.At(0, Crit);

        Assert.Empty(alert.At(0, Crit)); // a redelivered message re-evaluates on the stored state
    }

    [Fact]
    public void Next_IsPure_SameInputsSameOutputs()
    {
        var state = AlertState.New(T0);
        var a = AlertLifecycle.Next(state, Crit, T0.AddSeconds(5), Options());
        var b = AlertLifecycle.Next(state, Crit, T0.AddSeconds(5), Options());

        Assert.Equal(a.State.Phase, b.State.Phase);
        Assert.Equal(a.Events, b.Events);
    }

    [Fact]
    public void Next_EverySequenceNumberIsUsedOnceInOrder()
    {
        var alert = new Instance(Options(forSeconds: 10));
        var verdicts = new[] { Warn, Warn, Crit, Clear, Warn, Clear, Warn, Warn, Warn };
        for (var i = 0; i < verdicts.Length; i++)
        {
            alert.At(i * 10, verdicts[i]);
        }

        Assert.Equal(Enumerable.Range(1, alert.Events.Count).Select(i => (long)i), alert.Events.Select(e => e.Sequence));
        Assert.Equal(alert.Events.Count, alert.State.Sequence);
    }

    // ---- retiring (rule removed or renamed) ----

    [Fact]
    public void Retire_Firing_ResolvesWithAnEvent()
    {
        var alert = new Instance(Options());
        alert.At(0, Crit);

        var step = AlertLifecycle.Retire(alert.State, T0.AddSeconds(30));

        var e = Assert.Single(step.Events);
        Assert.Equal((TransitionKind.Resolved, AlertEventState.Resolved, T0.AddSeconds(30)), (e.Kind, e.State, e.EndsAt));
        Assert.Equal(AlertPhase.Resolved, step.State.Phase);
        Assert.Equal(2, e.Sequence);
    }

    [Fact]
    public void Retire_Pending_GoesInactive()
    {
        var alert = new Instance(Options(forSeconds: 60));
        alert.At(0, Warn);

        Assert.Equal(TransitionKind.Inactive, Kind(AlertLifecycle.Retire(alert.State, T0.AddSeconds(10)).Events));
    }

    [Fact]
    public void Retire_FlappingWhileResolved_AnnouncesTheResolve()
    {
        var alert = new Instance(Options(flapping: Flap));
        for (var i = 0; i < 6; i++)
        {
            alert.At(i * 60, i % 2 == 0 ? Crit : Clear);
        }

        Assert.True(alert.State.Flapping);
        var e = Assert.Single(AlertLifecycle.Retire(alert.State, T0.AddSeconds(400)).Events);
        Assert.Equal(AlertEventState.Resolved, e.State);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Retire_InactiveOrResolved_HasNothingToSay(bool fired)
    {
        var alert = new Instance(Options());
        if (fired)
        {
            alert.At(0, Crit);
            alert.At(10, Clear);
        }

        Assert.Empty(AlertLifecycle.Retire(alert.State, T0.AddSeconds(30)).Events);
    }

    /// <summary>Random runs: receivers never see two firings without a resolve between them, nor a resolve without a firing.</summary>
    [Fact]
    public void Next_RandomRuns_NotifiedStatesAlternate()
    {
        var random = new Random(20261121);
        Verdict[] verdicts = [Clear, Warn, Crit, Band, NoData];
        for (var run = 0; run < 500; run++)
        {
            var options = Options(
                forSeconds: random.Next(3) * 30,
                keepFiringForSeconds: random.Next(3) * 30,
                noData: (NoDataPolicy)random.Next(3),
                flapping: random.Next(2) == 0 ? FlappingPolicy.Off : Flap);
            var alert = new Instance(options);
            var t = 0.0;
            for (var step = 0; step < 60; step++)
            {
                t += random.Next(1, 120);
                alert.At(t, verdicts[random.Next(verdicts.Length)]);
                Assert.Equal(alert.State.Phase == AlertPhase.Firing, alert.State.FiringSince is not null && alert.State.Phase == AlertPhase.Firing);
            }

            AlertEventState? last = null;
            foreach (var e in alert.Events.Where(e => e.State is AlertEventState.Firing or AlertEventState.Resolved && e.Kind != TransitionKind.SeverityChanged))
            {
                if (e.Kind is TransitionKind.FlappingStarted or TransitionKind.FlappingStopped)
                {
                    last = e.State;
                    continue;
                }

                Assert.NotEqual(last, e.State);
                Assert.False(last is null && e.State == AlertEventState.Resolved);
                last = e.State;
            }
        }
    }
}
