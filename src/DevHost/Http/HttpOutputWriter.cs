using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace Vigil.DevHost.Http;

/// <summary>
/// Writes an http output binding value to the caller as the host does (HttpOutputBindingResponse, then
/// RawScriptResult): only statusCode, status, body and headers are read; statusCode as number or string (200 when
/// absent); a string body verbatim (never Base64-decoded); an object body as indented JSON; text/plain when no
/// Content-Type header is given.
/// </summary>
public static class HttpOutputWriter
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    public static async Task WriteAsync(HttpResponse response, JsonNode? output, CancellationToken cancellationToken)
    {
        var value = output;
        if (value is JsonValue text && text.GetValueKind() == JsonValueKind.String)
        {
            // The host deserialises the token's text: a string holding a JSON object works too.
            try
            {
                value = JsonNode.Parse(text.GetValue<string>());
            }
            catch (JsonException)
            {
                throw new InvalidOperationException("Failed while trying to Deserialize to httpOutputBindingResponse. Output is not in expected format");
            }
        }

        if (value is not JsonObject obj)
        {
            throw new InvalidOperationException("Failed while trying to Deserialize to httpOutputBindingResponse. Output is not in expected format");
        }

        response.StatusCode = ParseStatus(Find(obj, "statusCode"));
        string? contentType = null;
        if (Find(obj, "headers") is JsonObject headers)
        {
            foreach (var (name, headerValue) in headers)
            {
                var headerText = headerValue switch
                {
                    null => string.Empty,
                    JsonValue v when v.GetValueKind() == JsonValueKind.String => v.GetValue<string>(),
                    _ => headerValue.ToJsonString(Indented),
                };
                if (name.Equals("content-type", StringComparison.OrdinalIgnoreCase))
                {
                    contentType = headerText;
                }
                else
                {
                    response.Headers.Append(name, headerText);
                }
            }
        }

        var body = Find(obj, "body") switch
        {
            null => string.Empty,
            JsonValue v when v.GetValueKind() == JsonValueKind.String => v.GetValue<string>(),
            JsonValue v when v.GetValueKind() is JsonValueKind.True => "True",
            JsonValue v when v.GetValueKind() is JsonValueKind.False => "False",
            JsonValue v => v.ToJsonString(),
            var node => node.ToJsonString(Indented),
        };
        response.ContentType = contentType ?? "text/plain; charset=utf-8";
        var bytes = Encoding.UTF8.GetBytes(body);
        response.ContentLength = bytes.Length;
        await response.Body.WriteAsync(bytes, cancellationToken);
    }

    private static int ParseStatus(JsonNode? node) => node switch
    {
        null => 200,
        JsonValue v when v.GetValueKind() == JsonValueKind.Number && v.TryGetValue<int>(out var n) => n,
        JsonValue v when v.GetValueKind() == JsonValueKind.String && int.TryParse(v.GetValue<string>(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var s) => s,
        _ => 200,
    };

    private static JsonNode? Find(JsonObject obj, string name)
    {
        foreach (var (key, value) in obj)
        {
            if (key.Equals(name, StringComparison.OrdinalIgnoreCase))
            {
                return value;
            }
        }

        return null;
    }
}
