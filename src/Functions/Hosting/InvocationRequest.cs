using System.Text.Json;

namespace Vigil.Functions.Hosting;

/// <summary>
/// The envelope the Functions host POSTs to <c>/{FunctionName}</c> in payload mode:
/// <c>{"Data": {binding: value}, "Metadata": {key: value, "sys": {...}}}</c>.
/// </summary>
public sealed class InvocationRequest : IDisposable
{
    private readonly JsonDocument _document;

    private InvocationRequest(JsonDocument document, JsonElement data, JsonElement metadata, string functionName, string? invocationId)
    {
        _document = document;
        Data = data;
        Metadata = metadata;
        FunctionName = functionName;
        InvocationId = invocationId;
    }

    public string FunctionName { get; }

    public string? InvocationId { get; }

    /// <summary>One property per trigger or input binding, named as in function.json.</summary>
    public JsonElement Data { get; }

    /// <summary>Trigger binding data plus <c>sys</c>; may be an empty object.</summary>
    public JsonElement Metadata { get; }

    /// <summary>Parses an envelope. Throws <see cref="InvocationFormatException"/> naming what is wrong.</summary>
    public static InvocationRequest Parse(ReadOnlyMemory<byte> body, string functionName, string? invocationId)
    {
        if (body.IsEmpty)
        {
            throw new InvocationFormatException("the invocation body is empty; expected {\"Data\":{...},\"Metadata\":{...}}");
        }

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(body, new JsonDocumentOptions { MaxDepth = 128 });
        }
        catch (JsonException ex)
        {
            throw new InvocationFormatException($"the invocation body is not JSON (line {ex.LineNumber + 1}, byte {ex.BytePositionInLine + 1})");
        }

        try
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw new InvocationFormatException($"the invocation body is a JSON {Describe(root.ValueKind)}; expected an object with Data and Metadata");
            }

            var data = FindProperty(root, "Data");
            if (data is not { ValueKind: JsonValueKind.Object } dataObject)
            {
                throw new InvocationFormatException(data is null
                    ? "the invocation body has no Data object"
                    : $"Data is a JSON {Describe(data.Value.ValueKind)}; expected an object");
            }

            var metadata = FindProperty(root, "Metadata");
            if (metadata is { ValueKind: not (JsonValueKind.Object or JsonValueKind.Null) })
            {
                throw new InvocationFormatException($"Metadata is a JSON {Describe(metadata.Value.ValueKind)}; expected an object");
            }

            var metadataObject = metadata is { ValueKind: JsonValueKind.Object } m ? m : EmptyObject;
            return new InvocationRequest(document, dataObject, metadataObject, functionName, invocationId);
        }
        catch
        {
            document.Dispose();
            throw;
        }
    }

    /// <summary>The value of trigger/input binding <paramref name="bindingName"/>.</summary>
    public JsonElement GetData(string bindingName) =>
        FindProperty(Data, bindingName)
        ?? throw new InvocationFormatException($"Data has no '{bindingName}' binding value (function.json and the handler disagree)");

    /// <summary>A trigger metadata value, or null when the host left it out.</summary>
    public JsonElement? GetMetadata(string key) =>
        FindProperty(Metadata, key) is { ValueKind: not JsonValueKind.Null } value ? value : null;

    /// <summary><c>Metadata.sys.UtcNow</c>, the host's clock at invocation.</summary>
    public DateTimeOffset? HostUtcNow =>
        GetMetadata("sys") is { ValueKind: JsonValueKind.Object } sys && FindProperty(sys, "UtcNow") is { } now
            ? EncodedJson.GetDateTimeOffset(now)
            : null;

    public void Dispose() => _document.Dispose();

    internal static JsonElement? FindProperty(JsonElement obj, string name)
    {
        if (obj.ValueKind != JsonValueKind.Object)
        {
            return null;
        }

        if (obj.TryGetProperty(name, out var exact))
        {
            return exact;
        }

        // The host's casing has varied between versions (Data/data, Headers/headers): accept any casing.
        foreach (var property in obj.EnumerateObject())
        {
            if (string.Equals(property.Name, name, StringComparison.OrdinalIgnoreCase))
            {
                return property.Value;
            }
        }

        return null;
    }

    internal static string Describe(JsonValueKind kind) => kind switch
    {
        JsonValueKind.Object => "object",
        JsonValueKind.Array => "array",
        JsonValueKind.String => "string",
        JsonValueKind.Number => "number",
        JsonValueKind.True or JsonValueKind.False => "boolean",
        JsonValueKind.Null => "null",
        _ => "value",
    };

    private static readonly JsonElement EmptyObject = JsonDocument.Parse("{}").RootElement.Clone();
}
