using System.Text.Json;
using System.Xml;
using System.Xml.Linq;
using Azure;
using Azure.Core;

namespace Vigil.Storage.Pipeline;

/// <summary>
/// Reads the error code and message of a failed Storage call: the x-ms-error-code header, else the body,
/// which is JSON (<c>{"odata.error":{"code","message":{"value"}}}</c>) for Tables and XML
/// (<c>&lt;Error&gt;&lt;Code/&gt;&lt;Message/&gt;&lt;/Error&gt;</c>) for Queues, Blobs and Table auth failures.
/// </summary>
internal sealed class StorageErrorParser : RequestFailedDetailsParser
{
    public static readonly StorageErrorParser Instance = new();

    public override bool TryParse(Response response, out ResponseError? error, out IDictionary<string, string>? data)
    {
        data = null;
        var (code, message) = Read(response);
        error = new ResponseError(code, message ?? response.ReasonPhrase);
        return true;
    }

    /// <summary>The error code (header first, then body) and the service's message, when present.</summary>
    public static (string? ErrorCode, string? Message) Read(Response response)
    {
        var (code, message) = ReadBody(response);
        if (response.Headers.TryGetValue("x-ms-error-code", out var headerCode) && !string.IsNullOrEmpty(headerCode))
        {
            code = headerCode;
        }

        return (code, message);
    }

    private static (string? Code, string? Message) ReadBody(Response response)
    {
        string text;
        try
        {
            // Azure starts its XML with a byte order mark, which string trimming keeps.
            text = response.Content.ToString().Trim().TrimStart('\uFEFF');
        }
        catch (InvalidOperationException)
        {
            return (null, null); // streamed body: nothing buffered to read
        }

        try
        {
            if (text.StartsWith('{'))
            {
                using var json = JsonDocument.Parse(text);
                if (json.RootElement.TryGetProperty("odata.error", out var odata) ||
                    json.RootElement.TryGetProperty("error", out odata))
                {
                    var code = odata.TryGetProperty("code", out var c) ? c.GetString() : null;
                    var message = odata.TryGetProperty("message", out var m)
                        ? m.ValueKind == JsonValueKind.Object && m.TryGetProperty("value", out var v) ? v.GetString() : m.ToString()
                        : null;
                    return (code, message);
                }
            }
            else if (text.StartsWith('<'))
            {
                var root = XDocument.Parse(text).Root;
                return (root?.Element("Code")?.Value, root?.Element("Message")?.Value);
            }
        }
        catch (Exception ex) when (ex is JsonException or XmlException)
        {
            // Not a Storage error body (a proxy's HTML page, say): keep the status alone.
        }

        return (null, null);
    }
}
