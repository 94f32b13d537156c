using System.Globalization;
using System.Text;

namespace Vigil.Domain.Probes.Addresses;

/// <summary>
/// An IPv4 or IPv6 address as its bytes (4 or 16), parsed and printed without System.Net (the domain stays free of
/// networking). Parsing is strict: dotted-quad IPv4 without leading zeros (<c>010.0.0.1</c> is ambiguous: octal to
/// some parsers), IPv6 in RFC 4291 text form with at most one <c>::</c> and an optional dotted-quad tail, no zone.
/// Printing follows RFC 5952 (lower case, longest zero run compressed).
/// </summary>
public readonly struct IpAddressValue : IEquatable<IpAddressValue>
{
    private readonly byte[]? _bytes;

    private IpAddressValue(byte[] bytes) => _bytes = bytes;

    public bool IsIPv4 => Bytes.Length == 4;

    public ReadOnlySpan<byte> Bytes => _bytes ?? [];

    public static IpAddressValue FromBytes(ReadOnlySpan<byte> bytes) =>
        bytes.Length is 4 or 16 ? new IpAddressValue(bytes.ToArray()) : throw new ArgumentException("An address has 4 or 16 bytes.", nameof(bytes));

    public static bool TryParse(string? text, out IpAddressValue address)
    {
        address = default;
        if (string.IsNullOrEmpty(text))
        {
            return false;
        }

        var span = text.AsSpan();
        if (span.Length > 2 && span[0] == '[' && span[^1] == ']')
        {
            span = span[1..^1];
        }

        if (span.Contains(':'))
        {
            Span<byte> v6 = stackalloc byte[16];
            if (!TryParseV6(span, v6))
            {
                return false;
            }

            address = new IpAddressValue(v6.ToArray());
            return true;
        }

        Span<byte> v4 = stackalloc byte[4];
        if (!TryParseV4(span, v4))
        {
            return false;
        }

        address = new IpAddressValue(v4.ToArray());
        return true;
    }

    /// <summary>The IPv4 address inside an IPv4-mapped IPv6 address (<c>::ffff:a.b.c.d</c>), else the address itself.</summary>
    public IpAddressValue Unmapped()
    {
        var b = Bytes;
        if (b.Length == 16 && b[..10].IndexOfAnyExcept((byte)0) < 0 && b[10] == 0xff && b[11] == 0xff)
        {
            return new IpAddressValue(b[12..].ToArray());
        }

        return this;
    }

    public bool Equals(IpAddressValue other) => Unmapped().Bytes.SequenceEqual(other.Unmapped().Bytes);

    public override bool Equals(object? obj) => obj is IpAddressValue other && Equals(other);

    public override int GetHashCode()
    {
        var hash = default(HashCode);
        hash.AddBytes(Unmapped().Bytes);
        return hash.ToHashCode();
    }

    public static bool operator ==(IpAddressValue left, IpAddressValue right) => left.Equals(right);

    public static bool operator !=(IpAddressValue left, IpAddressValue right) => !left.Equals(right);

    public override string ToString()
    {
        var b = Bytes;
        if (b.Length == 4)
        {
            return string.Create(CultureInfo.InvariantCulture, $"{b[0]}.{b[1]}.{b[2]}.{b[3]}");
        }

        if (b.Length != 16)
        {
            return string.Empty;
        }

        Span<int> groups = stackalloc int[8];
        for (var i = 0; i < 8; i++)
        {
            groups[i] = (b[2 * i] << 8) | b[(2 * i) + 1];
        }

        // RFC 5952: compress the longest run of two or more zero groups (the first one on a tie).
        int bestStart = -1, bestLength = 0;
        for (var i = 0; i < 8;)
        {
            if (groups[i] != 0)
            {
                i++;
                continue;
            }

            var start = i;
            while (i < 8 && groups[i] == 0)
            {
                i++;
            }

            if (i - start > bestLength && i - start >= 2)
            {
                bestStart = start;
                bestLength = i - start;
            }
        }

        var text = new StringBuilder(39);
        var g = 0;
        while (g < 8)
        {
            if (g == bestStart)
            {
                text.Append("::");
                g += bestLength;
                continue;
            }

            if (text.Length > 0 && text[^1] != ':')
            {
                text.Append(':');
            }

            text.Append(groups[g].ToString("x", CultureInfo.InvariantCulture));
            g++;
        }

        return text.ToString();
    }

    private static bool TryParseV4(ReadOnlySpan<char> text, Span<byte> bytes)
    {
        var part = 0;
        foreach (var range in text.Split('.'))
        {
            var piece = text[range];
            if (part == 4 || piece.Length is 0 or > 3 || (piece.Length > 1 && piece[0] == '0'))
            {
                return false;
            }

            var value = 0;
            foreach (var c in piece)
            {
                if (!char.IsAsciiDigit(c))
                {
                    return false;
                }

                value = (value * 10) + (c - '0');
            }

            if (value > 255)
            {
                return false;
            }

            bytes[part++] = (byte)value;
        }

        return part == 4;
    }

    private static bool TryParseV6(ReadOnlySpan<char> text, Span<byte> bytes)
    {
        bytes.Clear();
        var compression = text.IndexOf("::", StringComparison.Ordinal);
        if (compression >= 0 && text[(compression + 2)..].Contains("::", StringComparison.Ordinal))
        {
            return false;
        }

        Span<byte> head = stackalloc byte[16];
        Span<byte> tail = stackalloc byte[16];
        int headLength, tailLength;
        if (compression < 0)
        {
            if (!TryParseGroups(text, head, out headLength, allowV4Tail: true) || headLength != 16)
            {
                return false;
            }

            head.CopyTo(bytes);
            return true;
        }

        var before = text[..compression];
        var after = text[(compression + 2)..];
        if (!TryParseGroups(before, head, out headLength, allowV4Tail: false) || !TryParseGroups(after, tail, out tailLength, allowV4Tail: true))
        {
            return false;
        }

        if (headLength + tailLength > 14)
        {
            return false; // "::" stands for at least one zero group
        }

        head[..headLength].CopyTo(bytes);
        tail[..tailLength].CopyTo(bytes[(16 - tailLength)..]);
        return true;
    }

    private static bool TryParseGroups(ReadOnlySpan<char> text, Span<byte> bytes, out int length, bool allowV4Tail)
    {
        length = 0;
        if (text.IsEmpty)
        {
            return true;
        }

        var pieces = new List<Range>();
        foreach (var range in text.Split(':'))
        {
            pieces.Add(range);
        }

        for (var i = 0; i < pieces.Count; i++)
        {
            var piece = text[pieces[i]];
            if (i == pieces.Count - 1 && allowV4Tail && piece.Contains('.'))
            {
                if (length > 12 || !TryParseV4(piece, bytes.Slice(length, 4)))
                {
                    return false;
                }

                length += 4;
                return true;
            }

            if (piece.Length is 0 or > 4 || length > 14)
            {
                return false;
            }

            var value = 0;
            foreach (var c in piece)
            {
                var digit = char.IsAsciiDigit(c) ? c - '0' : char.IsAsciiHexDigitLower(c) ? c - 'a' + 10 : char.IsAsciiHexDigitUpper(c) ? c - 'A' + 10 : -1;
                if (digit < 0)
                {
                    return false;
                }

                value = (value << 4) | digit;
            }

            bytes[length++] = (byte)(value >> 8);
            bytes[length++] = (byte)value;
        }

        return true;
    }
}
