using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace Vigil.DevHost.Http;

/// <summary>
/// Builds <c>Data.&lt;req&gt;</c> for an HTTP request exactly as the host does (HttpRequestExtensions.GetRequestAsJObject):
/// Url, Method, Query (one string per key, repeated keys comma-joined), Headers (arrays), Params (route values),
/// Identities, and Body only when Content-Length &gt; 0: Base64 for application/octet-stream and multipart/*,
/// otherwise the bytes decoded as UTF-8 text (which is lossy for compressed or binary bodies, as in Azure).
/// </summary>
public static class HttpTriggerPayload
{
    public static async Task<(JsonObject Request, JsonObject Metadata)> BuildAsync(HttpContext context, IReadOnlyDictionary<string, string> routeValues, CancellationToken cancellationToken)
    {
        var request = context.Request;
        var query = new JsonObject();
        foreach (var (key, values) in request.Query)
        {
            query[key] = values.ToString();
        }

        var headers = new JsonObject();
        foreach (var (name, values) in request.Headers)
        {
            headers[name] = new JsonArray([.. values.Select(v => (JsonNode?)JsonValue.Create(v))]);
        }

        var routeParams = new JsonObject();
        foreach (var (name, value) in routeValues)
        {
            routeParams[name] = value;
        }

        var payload = new JsonObject
        {
            ["Url"] = $"{request.Scheme}://{request.Host}{request.PathBase}{request.Path}{request.QueryString}",
            ["Method"] = request.Method,
            ["Query"] = query,
            ["Headers"] = headers,
            ["Params"] = routeParams,
            ["Identities"] = new JsonArray(),
        };

        if (request.ContentLength > 0)
        {
            using var buffer = new MemoryStream();
            await request.Body.CopyToAsync(buffer, cancellationToken);
            var bytes = buffer.ToArray();
            payload["Body"] = IsOctetOrMultipart(request.ContentType)
                ? Convert.ToBase64String(bytes)
                : DecodeAsText(bytes);
        }

        var metadata = new JsonObject
        {
            ["Query"] = query.DeepClone(),
            ["Headers"] = headers.DeepClone(),
        };
        foreach (var (name, value) in routeValues)
        {
            metadata[name] = Invocation.HostPayload.EncodeString(value);
        }

        return (payload, metadata);
    }

    /// <summary>The host's Utility.IsMediaTypeOctetOrMultipart.</summary>
    public static bool IsOctetOrMultipart(string? contentType)
    {
        if (string.IsNullOrWhiteSpace(contentType))
        {
            return false;
        }

        var mediaType = contentType.Split(';', 2)[0].Trim();
        return mediaType.Equals("application/octet-stream", StringComparison.OrdinalIgnoreCase)
            || mediaType.Contains("multipart/", StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>StreamReader(body, UTF8, detectEncodingFromByteOrderMarks: true).ReadToEnd(), as the host reads text bodies.</summary>
    private static string DecodeAsText(byte[] bytes)
    {
        using var reader = new StreamReader(new MemoryStream(bytes), Encoding.UTF8, detectEncodingFromByteOrderMarks: true);
        return reader.ReadToEnd();
    }
}
