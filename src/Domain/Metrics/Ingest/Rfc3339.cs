namespace Vigil.Domain.Metrics.Ingest;

/// <summary>
/// Parses RFC 3339 timestamps from UTF-8 without allocating: <c>2026-11-21T12:00:00Z</c>, with 1-9 fraction digits and a
/// <c>Z</c> or <c>±hh:mm</c> offset (<c>t</c>/<c>z</c> accepted). Returns Unix milliseconds (fractions truncated).
/// </summary>
public static class Rfc3339
{
    public static bool TryParse(ReadOnlySpan<byte> text, out long unixMs)
    {
        unixMs = 0;
        if (text.Length < 20 || text[4] != '-' || text[7] != '-' || (text[10] | 0x20) != 't' || text[13] != ':' || text[16] != ':')
        {
            return false;
        }

        if (!Digits(text[..4], out var year) || !Digits(text.Slice(5, 2), out var month) || !Digits(text.Slice(8, 2), out var day)
            || !Digits(text.Slice(11, 2), out var hour) || !Digits(text.Slice(14, 2), out var minute) || !Digits(text.Slice(17, 2), out var second))
        {
            return false;
        }

        if (month is < 1 or > 12 || day < 1 || day > DateTime.DaysInMonth(Math.Max(1, year), month) || hour > 23 || minute > 59 || second > 59 || year < 1)
        {
            return false;
        }

        var p = 19;
        long millis = 0;
        if (text[p] == '.')
        {
            p++;
            var start = p;
            while (p < text.Length && (uint)(text[p] - '0') <= 9)
            {
                if (p - start < 3)
                {
                    millis = (millis * 10) + (text[p] - '0');
                }

                p++;
            }

            var digits = p - start;
            if (digits is 0 or > 9)
            {
                return false;
            }

            for (var i = digits; i < 3; i++)
            {
                millis *= 10;
            }
        }

        if (p >= text.Length)
        {
            return false;
        }

        long offsetMinutes;
        if ((text[p] | 0x20) == 'z' && p + 1 == text.Length)
        {
            offsetMinutes = 0;
        }
        else if ((text[p] == '+' || text[p] == '-') && p + 6 == text.Length && text[p + 3] == ':'
            && Digits(text.Slice(p + 1, 2), out var offsetHours) && Digits(text.Slice(p + 4, 2), out var offsetMins) && offsetHours <= 23 && offsetMins <= 59)
        {
            offsetMinutes = ((offsetHours * 60) + offsetMins) * (text[p] == '-' ? -1 : 1);
        }
        else
        {
            return false;
        }

        var days = DaysFromCivil(year, month, day);
        unixMs = (((((days * 24) + hour) * 60) + minute - offsetMinutes) * 60 + second) * 1000 + millis;
        return true;
    }

    private static bool Digits(ReadOnlySpan<byte> text, out int value)
    {
        value = 0;
        foreach (var b in text)
        {
            var digit = (uint)(b - '0');
            if (digit > 9)
            {
                return false;
            }

            value = (value * 10) + (int)digit;
        }

        return true;
    }

    /// <summary>Days since 1970-01-01 (Howard Hinnant's algorithm).</summary>
    private static long DaysFromCivil(int year, int month, int day)
    {
        year -= month <= 2 ? 1 : 0;
        var era = (year >= 0 ? year : year - 399) / 400;
        var yearOfEra = year - (era * 400);
        var dayOfYear = ((153 * (month + (month > 2 ? -3 : 9))) + 2) / 5 + day - 1;
        var dayOfEra = (yearOfEra * 365) + (yearOfEra / 4) - (yearOfEra / 100) + dayOfYear;
        return ((long)era * 146097) + dayOfEra - 719468;
    }
}
