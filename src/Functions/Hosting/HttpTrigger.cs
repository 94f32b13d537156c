using System.Text;
using System.Text.Json;

namespace Vigil.Functions.Hosting;

/// <summary>
/// An httpTrigger value in payload mode: <c>{"Url","Method","Query":{},"Headers":{"Name":["v"]},"Params":{},"Identities":[...],"Body":...}</c>.
/// </summary>
public sealed class HttpTriggerRequest
{
    private static readonly Dictionary<string, string[]> NoValues = new(StringComparer.OrdinalIgnoreCase);

    public HttpTriggerRequest(
        string method,
        Uri url,
        IReadOnlyDictionary<string, string[]> headers,
        IReadOnlyDictionary<string, string> routeParams,
        ReadOnlyMemory<byte> body)
    {
        Method = method;
        Url = url;
        Headers = headers;
        Params = routeParams;
        Body = body;
        Query = ParseQuery(url.Query);
    }

    public string Method { get; }

    public Uri Url { get; }

    /// <summary>Request headers, case-insensitive.</summary>
    public IReadOnlyDictionary<string, string[]> Headers { get; }

    /// <summary>Route parameters from the function's route template, case-insensitive.</summary>
    public IReadOnlyDictionary<string, string> Params { get; }

    /// <summary>Query values parsed from <see cref="Url"/> (repeated keys such as <c>match[]</c> keep every value).</summary>
    public IReadOnlyDictionary<string, string[]> Query { get; }

    /// <summary>The raw request body (Base64 undone for binary bodies); empty when there was none.</summary>
    public ReadOnlyMemory<byte> Body { get; }

    public string? ContentType => GetHeader("Content-Type");

    public string? GetHeader(string name) =>
        Headers.TryGetValue(name, out var values) && values.Length > 0 ? values[0] : null;

    public string? GetQuery(string name) =>
        Query.TryGetValue(name, out var values) && values.Length > 0 ? values[^1] : null;

    public IReadOnlyList<string> GetQueryValues(string name) =>
        Query.TryGetValue(name, out var values) ? values : [];

    public string? GetParam(string name) => Params.TryGetValue(name, out var value) ? value : null;

    /// <summary>Decodes <c>Data.&lt;bindingName&gt;</c> of an invocation.</summary>
    public static HttpTriggerRequest FromInvocation(InvocationRequest invocation, string bindingName)
    {
        var value = EncodedJson.Unwrap(invocation.GetData(bindingName), JsonValueKind.Object);
        if (value.ValueKind != JsonValueKind.Object)
        {
            throw new InvocationFormatException($"Data.{bindingName} is a JSON {InvocationRequest.Describe(value.ValueKind)}; expected the http request object");
        }

        var method = ReadString(value, "Method") ?? throw new InvocationFormatException($"Data.{bindingName}.Method is missing");
        var urlText = ReadString(value, "Url") ?? throw new InvocationFormatException($"Data.{bindingName}.Url is missing");
        if (!Uri.TryCreate(urlText, UriKind.Absolute, out var url))
        {
            throw new InvocationFormatException($"Data.{bindingName}.Url is not an absolute URL");
        }

        var headers = ReadHeaders(InvocationRequest.FindProperty(value, "Headers"), bindingName);
        var routeParams = ReadParams(InvocationRequest.FindProperty(value, "Params"));
        var body = ReadBody(InvocationRequest.FindProperty(value, "Body"), headers, bindingName);
        return new HttpTriggerRequest(method.ToUpperInvariant(), url, headers, routeParams, body);
    }

    private static string? ReadString(JsonElement obj, string name) =>
        InvocationRequest.FindProperty(obj, name) is { } value ? EncodedJson.GetString(value) : null;

    private static Dictionary<string, string[]> ReadHeaders(JsonElement? headers, string bindingName)
    {
        if (headers is not { } element || element.ValueKind == JsonValueKind.Null)
        {
            return NoValues;
        }

        element = EncodedJson.Unwrap(element, JsonValueKind.Object);
        if (element.ValueKind != JsonValueKind.Object)
        {
            throw new InvocationFormatException($"Data.{bindingName}.Headers is a JSON {InvocationRequest.Describe(element.ValueKind)}; expected an object");
        }

        var result = new Dictionary<string, string[]>(StringComparer.OrdinalIgnoreCase);
        foreach (var header in element.EnumerateObject())
        {
            result[header.Name] = header.Value.ValueKind switch
            {
                JsonValueKind.Array => [.. header.Value.EnumerateArray().Select(v => v.ValueKind == JsonValueKind.String ? v.GetString()! : v.GetRawText())],
                JsonValueKind.String => [header.Value.GetString()!],
                JsonValueKind.Null => [],
                _ => [header.Value.GetRawText()],
            };
        }

        return result;
    }

    private static Dictionary<string, string> ReadParams(JsonElement? routeParams)
    {
        var result = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        if (routeParams is { ValueKind: JsonValueKind.Object } element)
        {
            foreach (var param in element.EnumerateObject())
            {
                if (EncodedJson.GetString(param.Value) is { } text)
                {
                    result[param.Name] = text;
                }
            }
        }

        return result;
    }

    private static ReadOnlyMemory<byte> ReadBody(JsonElement? body, Dictionary<string, string[]> headers, string bindingName)
    {
        if (body is not { } element || element.ValueKind is JsonValueKind.Null or JsonValueKind.Undefined)
        {
            return ReadOnlyMemory<byte>.Empty;
        }

        if (element.ValueKind != JsonValueKind.String)
        {
            // A JSON body the host parsed for us: its text is the body.
            return Encoding.UTF8.GetBytes(element.GetRawText());
        }

        var text = element.GetString()!;
        var contentType = headers.TryGetValue("Content-Type", out var ct) && ct.Length > 0 ? ct[0] : null;
        if (IsBase64Body(contentType))
        {
            try
            {
                return Convert.FromBase64String(text);
            }
            catch (FormatException)
            {
                throw new InvocationFormatException($"Data.{bindingName}.Body of an {contentType} request is not Base64");
            }
        }

        if (IsJson(contentType) && text.Length > 1 && text[0] == '"')
        {
            // A JSON body encoded once more as a JSON string.
            var unwrapped = EncodedJson.Unwrap(element, JsonValueKind.Object);
            if (unwrapped.ValueKind is JsonValueKind.Object or JsonValueKind.Array)
            {
                return Encoding.UTF8.GetBytes(unwrapped.GetRawText());
            }
        }

        return Encoding.UTF8.GetBytes(text);
    }

    /// <summary>
    /// The host's rule (Utility.IsMediaTypeOctetOrMultipart): <c>application/octet-stream</c> and <c>multipart/*</c>
    /// bodies arrive as Base64; every other body arrives as its bytes decoded as UTF-8 text, which loses the bytes
    /// of compressed or binary bodies (docs/architecture.md, "What the host does to request bodies").
    /// </summary>
    public static bool IsBase64Body(string? contentType)
    {
        if (string.IsNullOrWhiteSpace(contentType))
        {
            return false;
        }

        var mediaType = contentType.Split(';', 2)[0].Trim();
        return mediaType.Equals("application/octet-stream", StringComparison.OrdinalIgnoreCase)
            || mediaType.Contains("multipart/", StringComparison.OrdinalIgnoreCase);
    }

    private static bool IsJson(string? contentType) =>
        contentType is not null && contentType.Split(';', 2)[0].Trim().EndsWith("json", StringComparison.OrdinalIgnoreCase);

    private static Dictionary<string, string[]> ParseQuery(string query)
    {
        var result = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        foreach (var pair in query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var separator = pair.IndexOf('=', StringComparison.Ordinal);
            var key = Uri.UnescapeDataString((separator < 0 ? pair : pair[..separator]).Replace('+', ' '));
            var value = separator < 0 ? string.Empty : Uri.UnescapeDataString(pair[(separator + 1)..].Replace('+', ' '));
            if (!result.TryGetValue(key, out var values))
            {
                result[key] = values = [];
            }

            values.Add(value);
        }

        return result.ToDictionary(p => p.Key, p => p.Value.ToArray(), StringComparer.Ordinal);
    }
}
