using System.Globalization;

namespace Vigil.Storage.Tables;

/// <summary>Builds OData <c>$filter</c> expressions with safely quoted values.</summary>
public static class TableFilter
{
    /// <summary>
    /// Formats <paramref name="filter"/> with every interpolated value written as an OData literal:
    /// <c>TableFilter.Create($"PartitionKey eq {pk} and Count gt {10L}")</c> gives
    /// <c>PartitionKey eq 'it''s' and Count gt 10L</c>. Strings double their quotes; DateTimeOffset/DateTime become
    /// datetime'…Z'; Guid guid'…'; long gets an L suffix; double keeps a decimal point; byte[] becomes X'hex'.
    /// </summary>
    public static string Create(FormattableString filter)
    {
        ArgumentNullException.ThrowIfNull(filter);
        var literals = filter.GetArguments().Select(ToLiteral).ToArray<object?>();
        return string.Format(CultureInfo.InvariantCulture, filter.Format, literals);
    }

    private static string ToLiteral(object? value) => value switch
    {
        null => "null",
        string text => Quote(text),
        char character => Quote(character.ToString()),
        bool flag => flag ? "true" : "false",
        int or short or byte or sbyte or ushort => Convert.ToString(value, CultureInfo.InvariantCulture)!,
        long or uint => Convert.ToString(value, CultureInfo.InvariantCulture) + "L",
        double number => DoubleLiteral(number),
        float number => DoubleLiteral(number),
        decimal number => DoubleLiteral((double)number),
        DateTimeOffset time => DateTimeLiteral(time),
        DateTime time => DateTimeLiteral(time.Kind == DateTimeKind.Unspecified
            ? new DateTimeOffset(DateTime.SpecifyKind(time, DateTimeKind.Utc))
            : new DateTimeOffset(time.ToUniversalTime())),
        Guid guid => $"guid'{guid:D}'",
        byte[] bytes => $"X'{Convert.ToHexStringLower(bytes)}'",
        BinaryData data => $"X'{Convert.ToHexStringLower(data.ToMemory().Span)}'",
        _ => throw new ArgumentException(
            $"A {value.GetType().Name} cannot be written as an OData literal; convert it to a supported type first.",
            nameof(value)),
    };

    private static string Quote(string text) => "'" + text.Replace("'", "''", StringComparison.Ordinal) + "'";

    private static string DateTimeLiteral(DateTimeOffset time) =>
        $"datetime'{time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", CultureInfo.InvariantCulture)}'";

    private static string DoubleLiteral(double number)
    {
        if (!double.IsFinite(number))
        {
            throw new ArgumentException("NaN and infinities cannot be written in a filter.", nameof(number));
        }

        var text = number.ToString("R", CultureInfo.InvariantCulture);
        return text.Contains('.', StringComparison.Ordinal) || text.Contains('E', StringComparison.Ordinal) ? text : text + ".0";
    }
}
