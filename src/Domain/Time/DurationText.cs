using System.Globalization;
using System.Text;

namespace Vigil.Domain.Time;

/// <summary>
/// Prometheus-style durations: one or more of <c>NNw NNd NNh NNm NNs NNms</c> in that order, e.g. <c>30s</c>,
/// <c>1h30m</c>, <c>26h</c>, <c>0s</c>.
/// </summary>
public static class DurationText
{
    private static readonly (string Unit, TimeSpan Size)[] Units =
    [
        ("w", TimeSpan.FromDays(7)), ("d", TimeSpan.FromDays(1)), ("h", TimeSpan.FromHours(1)),
        ("m", TimeSpan.FromMinutes(1)), ("s", TimeSpan.FromSeconds(1)), ("ms", TimeSpan.FromMilliseconds(1)),
    ];

    public static bool TryParse(string? text, out TimeSpan duration)
    {
        duration = TimeSpan.Zero;
        if (string.IsNullOrWhiteSpace(text))
        {
            return false;
        }

        var span = text.AsSpan().Trim();
        var lastUnit = -1;
        var total = TimeSpan.Zero;
        while (!span.IsEmpty)
        {
            var digits = 0;
            while (digits < span.Length && char.IsAsciiDigit(span[digits]))
            {
                digits++;
            }

            if (digits == 0 || !long.TryParse(span[..digits], NumberStyles.None, CultureInfo.InvariantCulture, out var number))
            {
                return false;
            }

            span = span[digits..];
            var unitIndex = -1;
            for (var i = Units.Length - 1; i >= 0; i--)
            {
                if (span.StartsWith(Units[i].Unit, StringComparison.Ordinal) && (Units[i].Unit != "m" || !span.StartsWith("ms", StringComparison.Ordinal)))
                {
                    unitIndex = i;
                    break;
                }
            }

            if (unitIndex < 0 || unitIndex <= lastUnit)
            {
                return false; // unknown unit, or units out of order / repeated
            }

            try
            {
                total = checked(total + TimeSpan.FromTicks(checked(Units[unitIndex].Size.Ticks * number)));
            }
            catch (OverflowException)
            {
                return false;
            }

            lastUnit = unitIndex;
            span = span[Units[unitIndex].Unit.Length..];
        }

        duration = total;
        return true;
    }

    public static TimeSpan Parse(string text) =>
        TryParse(text, out var duration) ? duration : throw new FormatException($"'{text}' is not a duration (use e.g. 30s, 5m, 1h30m, 7d).");

    /// <summary>The shortest exact text: <c>90s</c> becomes <c>1m30s</c>.</summary>
    public static string Format(TimeSpan duration)
    {
        if (duration == TimeSpan.Zero)
        {
            return "0s";
        }

        var builder = new StringBuilder();
        if (duration < TimeSpan.Zero)
        {
            builder.Append('-');
            duration = duration.Negate();
        }

        foreach (var (unit, size) in Units)
        {
            var count = duration.Ticks / size.Ticks;
            if (count > 0)
            {
                builder.Append(count.ToString(CultureInfo.InvariantCulture)).Append(unit);
                duration -= TimeSpan.FromTicks(count * size.Ticks);
            }
        }

        return builder.ToString();
    }
}
