using System.Text.Json;
using System.Text.Json.Nodes;

namespace Vigil.Functions.Hosting;

/// <summary>
/// What a function hands back to the host: <c>{"Outputs": {binding: value}, "Logs": [...], "ReturnValue": value-or-null}</c>.
/// Output values are JSON objects or arrays of objects, never bare strings: the host tries to Base64-decode
/// every string output value (custom-handler.md, "BASE64 TRAP").
/// </summary>
public sealed class InvocationResult
{
    private readonly Dictionary<string, JsonNode?> _outputs = new(StringComparer.Ordinal);
    private readonly List<string> _logs = [];

    public IReadOnlyDictionary<string, JsonNode?> Outputs => _outputs;

    public IReadOnlyList<string> Logs => _logs;

    /// <summary>Sets the http output binding.</summary>
    public void SetHttpResponse(string bindingName, HttpResponseData response) =>
        SetOutput(bindingName, JsonSerializer.SerializeToNode(response, VigilJson.Options));

    /// <summary>Adds one message to a queue output binding (several calls make an array: one message each).</summary>
    public void AddMessage<T>(string bindingName, T message)
    {
        var node = JsonSerializer.SerializeToNode(message, VigilJson.Options);
        if (node is not JsonObject)
        {
            throw new InvalidOperationException($"Output '{bindingName}': queue messages must serialise to JSON objects, not {node?.GetValueKind().ToString() ?? "null"}.");
        }

        if (!_outputs.TryGetValue(bindingName, out var existing) || existing is null)
        {
            _outputs[bindingName] = new JsonArray(node);
        }
        else if (existing is JsonArray array)
        {
            array.Add(node);
        }
        else
        {
            throw new InvalidOperationException($"Output '{bindingName}' already holds a single value.");
        }
    }

    /// <summary>Number of messages added so far to <paramref name="bindingName"/>.</summary>
    public int MessageCount(string bindingName) =>
        _outputs.TryGetValue(bindingName, out var value) && value is JsonArray array ? array.Count : 0;

    /// <summary>A log line for the host (it records them with the invocation).</summary>
    public void Log(string line) => _logs.Add(line.ReplaceLineEndings(" "));

    /// <summary>Serialises the response envelope, rejecting bare string outputs.</summary>
    public byte[] Encode()
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteStartObject(nameof(Outputs));
            foreach (var (name, value) in _outputs)
            {
                EnsureNotBareString(name, value);
                writer.WritePropertyName(name);
                if (value is null)
                {
                    writer.WriteNullValue();
                }
                else
                {
                    value.WriteTo(writer);
                }
            }

            writer.WriteEndObject();
            writer.WriteStartArray(nameof(Logs));
            foreach (var line in _logs)
            {
                writer.WriteStringValue(line);
            }

            writer.WriteEndArray();
            writer.WriteNull("ReturnValue");
            writer.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    private void SetOutput(string bindingName, JsonNode? value)
    {
        EnsureNotBareString(bindingName, value);
        _outputs[bindingName] = value;
    }

    private static void EnsureNotBareString(string name, JsonNode? value)
    {
        if (value is JsonValue scalar && scalar.GetValueKind() == JsonValueKind.String)
        {
            throw new InvalidOperationException($"Output '{name}' is a bare string; the host would try to Base64-decode it. Return a JSON object.");
        }

        if (value is JsonArray array && array.Any(e => e is JsonValue v && v.GetValueKind() == JsonValueKind.String))
        {
            throw new InvalidOperationException($"Output '{name}' holds bare strings; the host would try to Base64-decode them. Return JSON objects.");
        }
    }
}
