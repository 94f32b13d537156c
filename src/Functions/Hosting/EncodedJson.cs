using System.Text.Json;

namespace Vigil.Functions.Hosting;

/// <summary>
/// Undoes the custom-handler double encoding: the host sends strings, numbers, booleans and arrays as a
/// JSON string holding JSON (<c>"1"</c>, <c>"\"abc\""</c>, <c>"{\"a\":1}"</c>), while objects arrive as
/// real JSON. Older hosts encoded once. The rule: while a value is a string whose content parses as JSON
/// of the expected shape, unwrap it.
/// </summary>
public static class EncodedJson
{
    private const int MaxUnwrapDepth = 4;

    /// <summary>Unwraps <paramref name="value"/> towards <paramref name="expected"/>.</summary>
    /// <returns>The innermost value of the expected kind, or the last string if no layer matched.</returns>
    public static JsonElement Unwrap(JsonElement value, JsonValueKind expected)
    {
        var current = value;
        for (var depth = 0; depth < MaxUnwrapDepth; depth++)
        {
            if (current.ValueKind == expected && expected != JsonValueKind.String)
            {
                return current;
            }

            if (current.ValueKind != JsonValueKind.String)
            {
                return current;
            }

            var text = current.GetString()!;
            if (!TryParse(text, out var inner))
            {
                return current;
            }

            if (expected == JsonValueKind.String)
            {
                // "\"abc\"" holds the string abc; "abc" (encoded once) is the string itself;
                // "123" encoded once is the string 123, not a number.
                if (inner.ValueKind != JsonValueKind.String)
                {
                    return current;
                }

                current = inner;
                continue;
            }

            if (!MatchesOrCouldWrap(inner, expected))
            {
                return current;
            }

            current = inner;
        }

        return current;
    }

    /// <summary>Reads a value expected to be a string (e.g. <c>MessageId</c>).</summary>
    public static string? GetString(JsonElement value)
    {
        var unwrapped = Unwrap(value, JsonValueKind.String);
        return unwrapped.ValueKind switch
        {
            JsonValueKind.String => unwrapped.GetString(),
            JsonValueKind.Null or JsonValueKind.Undefined => null,
            _ => unwrapped.GetRawText(),
        };
    }

    /// <summary>Reads a value expected to be an integer (e.g. <c>DeliveryCount</c>).</summary>
    public static long? GetInt64(JsonElement value)
    {
        var unwrapped = Unwrap(value, JsonValueKind.Number);
        return unwrapped.ValueKind == JsonValueKind.Number && unwrapped.TryGetInt64(out var number) ? number : null;
    }

    /// <summary>Reads a value expected to be a boolean.</summary>
    public static bool? GetBoolean(JsonElement value)
    {
        var unwrapped = Unwrap(value, JsonValueKind.True);
        return unwrapped.ValueKind switch
        {
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            _ => null,
        };
    }

    /// <summary>Reads a value expected to be a point in time (ISO 8601 string).</summary>
    public static DateTimeOffset? GetDateTimeOffset(JsonElement value)
    {
        var text = GetString(value);
        return text is not null && DateTimeOffset.TryParse(text, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AssumeUniversal | System.Globalization.DateTimeStyles.AdjustToUniversal, out var parsed)
            ? parsed
            : null;
    }

    private static bool MatchesOrCouldWrap(JsonElement inner, JsonValueKind expected) =>
        inner.ValueKind == expected
        || inner.ValueKind == JsonValueKind.String
        || (expected == JsonValueKind.True && inner.ValueKind == JsonValueKind.False);

    private static bool TryParse(string text, out JsonElement element)
    {
        element = default;
        var span = text.AsSpan().TrimStart();
        if (span.IsEmpty)
        {
            return false;
        }

        // Cheap pre-check so plain text bodies do not pay for a failed parse.
        var first = span[0];
        if (first is not ('{' or '[' or '"' or '-' or 't' or 'f' or 'n') && !char.IsAsciiDigit(first))
        {
            return false;
        }

        try
        {
            using var document = JsonDocument.Parse(text);
            element = document.RootElement.Clone();
            return true;
        }
        catch (JsonException)
        {
            return false;
        }
    }
}
