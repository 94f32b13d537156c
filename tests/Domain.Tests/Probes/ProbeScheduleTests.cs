using Vigil.Domain.Probes.Scheduling;

namespace Vigil.Domain.Tests.Probes;

public sealed class ProbeScheduleTests
{
    private static readonly DateTimeOffset Start = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Tick = TimeSpan.FromSeconds(10);

    /// <summary>Simulates ticks every 10 s (each a little late) for <paramref name="duration"/>; returns when the probe ran.</summary>
    private static List<DateTimeOffset> Simulate(string name, TimeSpan every, TimeSpan duration, TimeSpan? jitter = null)
    {
        var runs = new List<DateTimeOffset>();
        DateTimeOffset? last = null;
        for (var t = TimeSpan.Zero; t < duration; t += Tick)
        {
            var now = Start + t + (jitter is { } j && (t.Ticks / Tick.Ticks) % 3 == 1 ? j : TimeSpan.Zero);
            if (ProbeSchedule.IsDue(name, every, last, now, Tick))
            {
                runs.Add(now);
                last = now;
            }
        }

        return runs;
    }

    [Fact]
    public void IsDue_NeverRun_IsDue() => Assert.True(ProbeSchedule.IsDue("p", TimeSpan.FromHours(1), null, Start, Tick));

    [Theory]
    [InlineData(30, 40)]
    [InlineData(60, 20)]
    [InlineData(300, 4)]
    [InlineData(10, 120)]
    [InlineData(5, 120)]
    public void IsDue_OverTwentyMinutes_RunsAsOftenAsEveryAllows(int everySeconds, int expectedRuns)
    {
        var runs = Simulate("api-health", TimeSpan.FromSeconds(everySeconds), TimeSpan.FromMinutes(20), TimeSpan.FromMilliseconds(700));

        Assert.InRange(runs.Count, expectedRuns, expectedRuns + 1); // + the immediate first run
    }

    [Fact]
    public void IsDue_ThirtySeconds_NeverCloserThanEveryAfterTheFirstRun()
    {
        var runs = Simulate("db-port", TimeSpan.FromSeconds(30), TimeSpan.FromMinutes(10), TimeSpan.FromMilliseconds(900));

        var gaps = runs.Skip(1).Zip(runs.Skip(2), (a, b) => b - a).ToList();
        Assert.All(gaps, gap => Assert.InRange(gap.TotalSeconds, 29, 31));
    }

    [Fact]
    public void Phase_SpreadsProbesOfOneInterval()
    {
        var phases = Enumerable.Range(0, 1000).Select(i => ProbeSchedule.Phase("probe-" + i, TimeSpan.FromMinutes(1))).ToList();

        Assert.All(phases, p => Assert.InRange(p, TimeSpan.Zero, TimeSpan.FromMinutes(1)));
        var perTenSeconds = phases.GroupBy(p => (int)(p.TotalSeconds / 10)).Select(g => g.Count()).ToList();
        Assert.Equal(6, perTenSeconds.Count);
        Assert.All(perTenSeconds, count => Assert.InRange(count, 100, 240));
        Assert.Equal(ProbeSchedule.Phase("probe-1", TimeSpan.FromMinutes(1)), ProbeSchedule.Phase("probe-1", TimeSpan.FromMinutes(1)));
    }

    [Fact]
    public void IsDue_ClockWentBack_RunsRatherThanWaiting() =>
        Assert.True(ProbeSchedule.IsDue("p", TimeSpan.FromMinutes(1), Start.AddHours(1), Start, Tick));

    [Fact]
    public void StaleAfter_IsThreeRunsPlusTimeout()
    {
        Assert.Equal(TimeSpan.FromSeconds(100), ProbeSchedule.StaleAfter(TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(10), Tick));
        Assert.Equal(TimeSpan.FromSeconds(31), ProbeSchedule.StaleAfter(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1), Tick));
    }
}
