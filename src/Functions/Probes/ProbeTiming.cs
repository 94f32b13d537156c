using System.Globalization;
using NCrontab;
using Vigil.Domain.Probes;
using Vigil.Domain.Probes.Scheduling;
using Vigil.Functions.Configuration;

namespace Vigil.Functions.Probes;

/// <summary>
/// The RunProbes tick interval, read from its schedule (<see cref="AppSettings.ProbesSchedule"/>): scheduling
/// allows half a tick of slack, and a probe without a result for three ticks (or three runs) reads as unknown.
/// </summary>
public sealed class ProbeTiming
{
    public ProbeTiming(SettingsReader settings)
    {
        var expression = settings.Get(AppSettings.ProbesSchedule) ?? AppSettings.ProbesSchedule.Default!;
        Tick = IntervalOf(expression) ?? throw new InvalidOperationException(
            $"App setting {AppSettings.ProbesSchedule.Name} is '{expression}', neither a six-field NCRONTAB expression (\"*/10 * * * * *\") nor a time span (\"00:00:10\").");
    }

    public ProbeTiming(TimeSpan tick) => Tick = tick;

    public TimeSpan Tick { get; }

    public TimeSpan StaleAfter(ProbeDefinition probe) => ProbeSchedule.StaleAfter(probe.Every, probe.Timeout, Tick);

    /// <summary>The shortest gap between occurrences of a schedule (over a sample of its next occurrences).</summary>
    public static TimeSpan? IntervalOf(string expression)
    {
        var cron = CrontabSchedule.TryParse(expression, new CrontabSchedule.ParseOptions { IncludingSeconds = true });
        if (cron is not null)
        {
            var from = new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc);
            var occurrences = cron.GetNextOccurrences(from, from.AddDays(2)).Take(50).ToList();
            return occurrences.Count < 2 ? TimeSpan.FromDays(1) : occurrences.Zip(occurrences.Skip(1), (a, b) => b - a).Min();
        }

        return TimeSpan.TryParse(expression, CultureInfo.InvariantCulture, out var interval) && interval > TimeSpan.Zero ? interval : null;
    }
}
