using System.Globalization;
using System.Text.Json;
using Azure;

namespace Vigil.Storage.Tables;

/// <summary>
/// The Table service's JSON entity format (OData v3 "minimalmetadata"): types JSON cannot carry are annotated
/// with <c>"Name@odata.type"</c> (Edm.Int64 and Edm.Double as their text forms where needed, Edm.DateTime,
/// Edm.Guid, Edm.Binary), so values round-trip with their types.
/// </summary>
internal static class TableEntityJson
{
    private const string TypeSuffix = "@odata.type";

    public static BinaryData Serialize(TableEntity entity)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            foreach (var (name, value) in entity)
            {
                WriteProperty(writer, name, value);
            }

            writer.WriteEndObject();
        }

        return new BinaryData(buffer.ToArray());
    }

    public static TableEntity Deserialize(JsonElement json)
    {
        var entity = new TableEntity();
        foreach (var property in json.EnumerateObject())
        {
            var name = property.Name;
            if (name.EndsWith(TypeSuffix, StringComparison.Ordinal))
            {
                continue;
            }

            if (name.StartsWith("odata.", StringComparison.Ordinal))
            {
                if (name == "odata.etag" && property.Value.GetString() is { } etag)
                {
                    entity.ETag = new ETag(etag);
                }

                continue;
            }

            var edmType = json.TryGetProperty(name + TypeSuffix, out var annotation) ? annotation.GetString() : null;
            var value = ReadValue(property.Value, edmType);
            if (name == "Timestamp")
            {
                entity.Timestamp = value as DateTimeOffset? ?? ParseDateTime(property.Value.GetString()!);
                continue;
            }

            entity.SetRaw(name, value);
        }

        return entity;
    }

    private static void WriteProperty(Utf8JsonWriter writer, string name, object? value)
    {
        switch (value)
        {
            case null:
                return; // the service stores no nulls: an absent property is the same thing
            case string text:
                writer.WriteString(name, text);
                return;
            case bool flag:
                writer.WriteBoolean(name, flag);
                return;
            case int number:
                writer.WriteNumber(name, number);
                return;
            case long number:
                writer.WriteString(name + TypeSuffix, "Edm.Int64");
                writer.WriteString(name, number.ToString(CultureInfo.InvariantCulture));
                return;
            case double number:
                writer.WriteString(name + TypeSuffix, "Edm.Double");
                if (double.IsFinite(number))
                {
                    writer.WriteNumber(name, number);
                }
                else
                {
                    writer.WriteString(name, double.IsNaN(number) ? "NaN" : number > 0 ? "Infinity" : "-Infinity");
                }

                return;
            case DateTimeOffset time:
                writer.WriteString(name + TypeSuffix, "Edm.DateTime");
                writer.WriteString(name, time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", CultureInfo.InvariantCulture));
                return;
            case Guid guid:
                writer.WriteString(name + TypeSuffix, "Edm.Guid");
                writer.WriteString(name, guid.ToString("D"));
                return;
            case byte[] bytes:
                writer.WriteString(name + TypeSuffix, "Edm.Binary");
                writer.WriteBase64String(name, bytes);
                return;
            default:
                throw new ArgumentException($"Property '{name}' has unsupported type {value.GetType().Name}.", nameof(value));
        }
    }

    private static object? ReadValue(JsonElement value, string? edmType) => edmType switch
    {
        "Edm.Int64" => value.ValueKind == JsonValueKind.Number
            ? value.GetInt64()
            : long.Parse(value.GetString()!, NumberStyles.Integer, CultureInfo.InvariantCulture),
        "Edm.Double" => value.ValueKind == JsonValueKind.Number ? value.GetDouble() : ParseDouble(value.GetString()!),
        "Edm.Int32" => value.ValueKind == JsonValueKind.Number
            ? value.GetInt32()
            : int.Parse(value.GetString()!, NumberStyles.Integer, CultureInfo.InvariantCulture),
        "Edm.DateTime" => ParseDateTime(value.GetString()!),
        "Edm.Guid" => Guid.Parse(value.GetString()!, CultureInfo.InvariantCulture),
        "Edm.Binary" => value.GetBytesFromBase64(),
        "Edm.Boolean" when value.ValueKind == JsonValueKind.String =>
            bool.Parse(value.GetString()!),
        _ => value.ValueKind switch
        {
            JsonValueKind.String => value.GetString(),
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            JsonValueKind.Number => value.TryGetInt32(out var small) ? small : (object)value.GetDouble(),
            JsonValueKind.Null => null,
            _ => value.GetRawText(),
        },
    };

    private static double ParseDouble(string text) => text switch
    {
        "NaN" => double.NaN,
        "Infinity" or "INF" => double.PositiveInfinity,
        "-Infinity" or "-INF" => double.NegativeInfinity,
        _ => double.Parse(text, NumberStyles.Float, CultureInfo.InvariantCulture),
    };

    private static DateTimeOffset ParseDateTime(string text) =>
        DateTimeOffset.Parse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal);
}
