using System.Globalization;

namespace Vigil.Domain.Metrics.Ingest;

/// <summary>Strict number parsing from UTF-8 for the text formats.</summary>
internal static class NumberText
{
    /// <summary>A decimal float: <c>[+-]?(digits[.digits]|.digits)([eE][+-]?digits)?</c>. No NaN, Inf, hex or spaces.</summary>
    public static bool TryParseDecimal(ReadOnlySpan<byte> text, out double value)
    {
        value = 0;
        var i = 0;
        if (i < text.Length && (text[i] == '-' || text[i] == '+'))
        {
            i++;
        }

        var digits = 0;
        while (i < text.Length && (uint)(text[i] - '0') <= 9)
        {
            i++;
            digits++;
        }

        if (i < text.Length && text[i] == '.')
        {
            i++;
            while (i < text.Length && (uint)(text[i] - '0') <= 9)
            {
                i++;
                digits++;
            }
        }

        if (digits == 0)
        {
            return false;
        }

        if (i < text.Length && (text[i] | 0x20) == 'e')
        {
            i++;
            if (i < text.Length && (text[i] == '-' || text[i] == '+'))
            {
                i++;
            }

            var exponentDigits = 0;
            while (i < text.Length && (uint)(text[i] - '0') <= 9)
            {
                i++;
                exponentDigits++;
            }

            if (exponentDigits == 0)
            {
                return false;
            }
        }

        if (i != text.Length)
        {
            return false;
        }

        // Fast path: small integers (the common counter/gauge case) without the general parser.
        if (text.Length <= 15 && text.IndexOfAny((byte)'.', (byte)'e', (byte)'E') < 0)
        {
            var negative = text[0] == '-';
            long whole = 0;
            foreach (var b in text[(text[0] is (byte)'-' or (byte)'+' ? 1 : 0)..])
            {
                whole = (whole * 10) + (b - '0');
            }

            value = negative ? -whole : whole;
            return true;
        }

        return double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out value);
    }

    /// <summary>A whole number <c>[+-]?digits</c> in the range of a long.</summary>
    public static bool TryParseInt64(ReadOnlySpan<byte> text, out long value)
    {
        value = 0;
        if (text.IsEmpty)
        {
            return false;
        }

        var negative = text[0] == '-';
        var start = text[0] is (byte)'-' or (byte)'+' ? 1 : 0;
        if (start == text.Length || text.Length - start > 19)
        {
            return text.Length - start > 19 && long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out value);
        }

        ulong magnitude = 0;
        for (var i = start; i < text.Length; i++)
        {
            var digit = (uint)(text[i] - '0');
            if (digit > 9)
            {
                return false;
            }

            magnitude = (magnitude * 10) + digit;
        }

        if (negative ? magnitude > 9223372036854775808UL : magnitude > long.MaxValue)
        {
            return false;
        }

        value = negative ? (long)(0 - magnitude) : (long)magnitude;
        return true;
    }

    public static bool TryParseUInt64(ReadOnlySpan<byte> text, out ulong value)
    {
        value = 0;
        if (text.IsEmpty || text.Length > 20)
        {
            return false;
        }

        return ulong.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out value);
    }
}
