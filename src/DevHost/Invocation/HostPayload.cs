using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Vigil.DevHost.Invocation;

/// <summary>
/// Encodes values the way the Functions host does for custom handlers (ScriptInvocationContextExtensions):
/// strings are JSON-serialised once more (<c>"\"abc\""</c>), numbers, booleans and arrays become a string holding
/// their JSON (<c>"1"</c>), DateTime values lose sub-seconds and their zone, objects stay objects.
/// </summary>
public static class HostPayload
{
    /// <summary>Newtonsoft's escaping (quotes as \", non-ASCII as is), which the host's serializer uses.</summary>
    public static readonly JsonSerializerOptions Json = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static JsonNode EncodeString(string value) => JsonValue.Create(JsonSerializer.Serialize(value, Json))!;

    public static JsonNode EncodeNumber(long value) => JsonValue.Create(value.ToString(CultureInfo.InvariantCulture))!;

    /// <summary>A DateTime as the host sends it: round-tripped through ToString()/Parse, so seconds precision, no zone.</summary>
    public static JsonNode EncodeDateTime(DateTimeOffset value) =>
        JsonValue.Create(value.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss", CultureInfo.InvariantCulture))!;

    /// <summary>A DateTimeOffset as the host sends it: seconds precision with its offset.</summary>
    public static JsonNode EncodeDateTimeOffset(DateTimeOffset value) =>
        JsonValue.Create(value.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:sszzz", CultureInfo.InvariantCulture))!;

    /// <summary>The <c>sys</c> metadata object every invocation carries.</summary>
    public static JsonObject Sys(string functionName, DateTimeOffset now) => new()
    {
        ["MethodName"] = functionName,
        ["UtcNow"] = now.UtcDateTime.ToString("O", CultureInfo.InvariantCulture),
        ["RandGuid"] = Guid.NewGuid().ToString(),
    };
}
