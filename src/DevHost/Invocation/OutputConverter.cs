using System.Text.Json;
using System.Text.Json.Nodes;

namespace Vigil.DevHost.Invocation;

/// <summary>
/// Turns a non-http output value into message bodies exactly as the host does
/// (HttpScriptInvocationResultExtensions.GetBindingValue, then FunctionBinding.ReadAsEnumerable into an
/// <c>IAsyncCollector&lt;string&gt;</c>): without <c>dataType: binary</c> a string that is valid Base64 is decoded to
/// bytes (and such a value ends up as the text "System.Byte[]"); a JSON array gives one message per element; an
/// object gives its indented JSON text; a string gives its text.
/// </summary>
public static class OutputConverter
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    public static IReadOnlyList<string> ToMessages(JsonNode? value, bool binary)
    {
        if (value is null)
        {
            return [];
        }

        if (!binary && value is JsonValue scalar && scalar.GetValueKind() == JsonValueKind.String)
        {
            var text = scalar.GetValue<string>();
            if (IsBase64(text))
            {
                return ["System.Byte[]"]; // the Base64 trap: bytes reach a string collector as byte[].ToString()
            }

            if (LooksLikeJson(text) && TryParse(text, out var parsed))
            {
                return Enumerate(parsed);
            }

            return [text];
        }

        return Enumerate(value);
    }

    private static List<string> Enumerate(JsonNode? value) => value switch
    {
        JsonArray array => [.. array.Select(ToText)],
        _ => [ToText(value)],
    };

    private static string ToText(JsonNode? node) => node switch
    {
        null => string.Empty,
        JsonValue v when v.GetValueKind() == JsonValueKind.String => v.GetValue<string>(),
        JsonValue v => v.ToJsonString(),
        _ => node.ToJsonString(Indented),
    };

    private static bool LooksLikeJson(string text)
    {
        var trimmed = text.AsSpan().Trim();
        return trimmed.Length >= 2 && ((trimmed[0] == '{' && trimmed[^1] == '}') || (trimmed[0] == '[' && trimmed[^1] == ']'));
    }

    private static bool TryParse(string text, out JsonNode? node)
    {
        try
        {
            node = JsonNode.Parse(text);
            return true;
        }
        catch (JsonException)
        {
            node = null;
            return false;
        }
    }

    private static bool IsBase64(string text)
    {
        if (text.Length == 0)
        {
            return true; // Convert.FromBase64String("") succeeds
        }

        var buffer = new byte[text.Length];
        return Convert.TryFromBase64String(text, buffer, out _);
    }
}
