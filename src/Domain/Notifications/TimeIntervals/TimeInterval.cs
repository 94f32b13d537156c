using NodaTime;

namespace Vigil.Domain.Notifications.TimeIntervals;

/// <summary>An inclusive range of whole numbers (days of month may be negative: -1 is the last day).</summary>
public readonly record struct IntRange(int Start, int End)
{
    public bool Contains(int value) => value >= Start && value <= End;
}

/// <summary>Minutes of the day, start inclusive, end exclusive (00:00 to 24:00).</summary>
public readonly record struct MinuteRange(int Start, int End)
{
    public bool Contains(int minute) => minute >= Start && minute < End;
}

/// <summary>
/// One recurring window: an instant is inside when it matches every field given (an empty field matches
/// anything), on the wall clock of the interval's time zone.
/// </summary>
public sealed record TimeSpec(
    IReadOnlyList<MinuteRange> Times,
    IReadOnlyList<IntRange> Weekdays,
    IReadOnlyList<IntRange> DaysOfMonth,
    IReadOnlyList<IntRange> Months,
    IReadOnlyList<IntRange> Years)
{
    public bool Contains(LocalDateTime local)
    {
        var minute = (local.Hour * 60) + local.Minute;
        if (Times.Count > 0 && !Times.Any(t => t.Contains(minute)))
        {
            return false;
        }

        var weekday = (int)local.DayOfWeek; // ISO: Monday 1 .. Sunday 7
        if (Weekdays.Count > 0 && !Weekdays.Any(w => w.Contains(weekday)))
        {
            return false;
        }

        if (DaysOfMonth.Count > 0)
        {
            var daysInMonth = local.Calendar.GetDaysInMonth(local.Year, local.Month);
            if (!DaysOfMonth.Any(d => Resolve(d.Start, daysInMonth) <= local.Day && local.Day <= Resolve(d.End, daysInMonth)))
            {
                return false;
            }
        }

        if (Months.Count > 0 && !Months.Any(m => m.Contains(local.Month)))
        {
            return false;
        }

        return Years.Count == 0 || Years.Any(y => y.Contains(local.Year));

        static int Resolve(int day, int daysInMonth) => day < 0 ? daysInMonth + day + 1 : Math.Min(day, daysInMonth);
    }
}

/// <summary>
/// A named recurring time interval (<c>muteTimes</c>), e.g. "Saturdays 02:00 to 04:00 in Europe/Berlin". Times are
/// wall-clock times of <see cref="Zone"/>, so a window keeps its local hours across daylight saving changes. Time
/// zones come from the IANA tz database embedded in NodaTime.
/// </summary>
public sealed class TimeInterval
{
    public TimeInterval(string name, DateTimeZone zone, IReadOnlyList<TimeSpec> specs)
    {
        Name = name;
        Zone = zone;
        Specs = specs;
    }

    public string Name { get; }

    public DateTimeZone Zone { get; }

    public IReadOnlyList<TimeSpec> Specs { get; }

    public bool Contains(DateTimeOffset instant)
    {
        var local = Instant.FromDateTimeOffset(instant).InZone(Zone).LocalDateTime;
        return Specs.Any(s => s.Contains(local));
    }
}
