namespace Vigil.Domain.Probes.Scheduling;

/// <summary>
/// Which probes a timer tick runs. Each probe has due instants <c>phase + k × every</c>, its phase a stable hash of
/// its name, so probes with the same interval spread over it instead of all running in one tick. A tick at
/// <c>now</c> runs a probe when a due instant has passed since the tick that last ran it (half a tick of slack,
/// since ticks are never exactly on time). A probe never run is due at once. A probe runs at most once per tick,
/// so an <c>every</c> shorter than the tick interval means once per tick.
/// </summary>
public static class ProbeSchedule
{
    public static bool IsDue(string name, TimeSpan every, DateTimeOffset? lastScheduledAt, DateTimeOffset now, TimeSpan tick)
    {
        if (lastScheduledAt is not { } last)
        {
            return true;
        }

        if (last > now + every)
        {
            return true; // the clock went back: do not wait for it to catch up
        }

        if (every <= tick)
        {
            return now > last; // once per tick (slots shorter than a tick would lose runs to a late tick)
        }

        return Slot(name, every, now, tick) > Slot(name, every, last, tick);
    }

    /// <summary>Where in its interval a probe's due instants fall (a stable FNV-1a hash of the name).</summary>
    public static TimeSpan Phase(string name, TimeSpan every)
    {
        var hash = 14695981039346656037UL;
        foreach (var c in name)
        {
            hash = (hash ^ c) * 1099511628211UL;
        }

        return every.Ticks <= 0 ? TimeSpan.Zero : TimeSpan.FromTicks((long)(hash % (ulong)every.Ticks));
    }

    /// <summary>
    /// How long after its last result a probe reads as unknown (no data): three missed runs (at least three ticks)
    /// plus its timeout, so a stopped timer or a probe that cannot run is never shown as still healthy.
    /// </summary>
    public static TimeSpan StaleAfter(TimeSpan every, TimeSpan timeout, TimeSpan tick) =>
        (3 * (every > tick ? every : tick)) + timeout;

    private static long Slot(string name, TimeSpan every, DateTimeOffset at, TimeSpan tick)
    {
        var span = Math.Max(every.Ticks, 1);
        var shifted = at.UtcTicks - Phase(name, every).Ticks + (tick.Ticks / 2);
        return shifted / span; // UtcTicks are far above a phase or a tick: never negative
    }
}
