using System.Globalization;
using System.Text;
using Azure.Core;

namespace Vigil.Storage.Pipeline;

/// <summary>Which Shared Key string-to-sign a service expects.</summary>
internal enum SharedKeyFormat
{
    /// <summary>Table service: VERB, Content-MD5, Content-Type, Date, resource (?comp only).</summary>
    Table,

    /// <summary>Blob and Queue services: the full header list, x-ms- headers and every query parameter.</summary>
    BlobQueue,
}

/// <summary>
/// Builds the Shared Key string-to-sign
/// (https://learn.microsoft.com/rest/api/storageservices/authorize-with-shared-key).
/// The canonicalized resource is "/" + account + the URI's escaped path, so path-style URLs
/// (Azurite: http://127.0.0.1:10002/devstoreaccount1/...) name the account twice, as the emulator expects.
/// </summary>
internal static class SharedKeyStringToSign
{
    private static readonly string[] BlobQueueStandardHeaders =
    [
        "Content-Encoding", "Content-Language", "Content-Length", "Content-MD5", "Content-Type", "Date",
        "If-Modified-Since", "If-Match", "If-None-Match", "If-Unmodified-Since", "Range",
    ];

    public static string Build(SharedKeyFormat format, Request request, string accountName) =>
        format == SharedKeyFormat.Table ? ForTable(request, accountName) : ForBlobQueue(request, accountName);

    public static string ForTable(Request request, string accountName)
    {
        var uri = request.Uri.ToUri();
        var resource = new StringBuilder("/").Append(accountName).Append(uri.AbsolutePath);
        var comp = ParseQuery(uri).FirstOrDefault(p => p.Name == "comp");
        if (comp.Name is not null)
        {
            resource.Append("?comp=").Append(comp.Value);
        }

        var date = Header(request, "x-ms-date");
        return string.Join('\n',
            request.Method.Method,
            Header(request, "Content-MD5"),
            Header(request, "Content-Type"),
            date.Length > 0 ? date : Header(request, "Date"),
            resource.ToString());
    }

    public static string ForBlobQueue(Request request, string accountName)
    {
        var builder = new StringBuilder(request.Method.Method).Append('\n');
        foreach (var name in BlobQueueStandardHeaders)
        {
            var value = name == "Content-Length" ? ContentLength(request) : Header(request, name);
            builder.Append(value).Append('\n');
        }

        var storageHeaders = request.Headers
            .Where(h => h.Name.StartsWith("x-ms-", StringComparison.OrdinalIgnoreCase))
            .Select(h => (Name: Lower(h.Name.Trim()), Value: h.Value.Trim()))
            .OrderBy(h => h.Name, StringComparer.Ordinal);
        foreach (var (name, value) in storageHeaders)
        {
            builder.Append(name).Append(':').Append(value).Append('\n');
        }

        var uri = request.Uri.ToUri();
        builder.Append('/').Append(accountName).Append(uri.AbsolutePath);
        var parameters = ParseQuery(uri)
            .GroupBy(p => p.Name, StringComparer.Ordinal)
            .OrderBy(g => g.Key, StringComparer.Ordinal);
        foreach (var parameter in parameters)
        {
            var values = parameter.Select(p => p.Value).Order(StringComparer.Ordinal);
            builder.Append('\n').Append(parameter.Key).Append(':').AppendJoin(',', values);
        }

        return builder.ToString();
    }

    /// <summary>Query parameters with lower-case names and unescaped values.</summary>
    private static IEnumerable<(string Name, string Value)> ParseQuery(Uri uri)
    {
        var query = uri.Query.TrimStart('?');
        if (query.Length == 0)
        {
            yield break;
        }

        foreach (var pair in query.Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var separator = pair.IndexOf('=', StringComparison.Ordinal);
            var name = separator < 0 ? pair : pair[..separator];
            var value = separator < 0 ? string.Empty : pair[(separator + 1)..];
            yield return (Lower(Uri.UnescapeDataString(name)), Uri.UnescapeDataString(value));
        }
    }

    private static string Header(Request request, string name) =>
        request.Headers.TryGetValue(name, out var value) ? value : string.Empty;

    // From version 2015-02-21 a zero Content-Length is signed as an empty string.
    private static string ContentLength(Request request) =>
        request.Content is not null && request.Content.TryComputeLength(out var length) && length > 0
            ? length.ToString(CultureInfo.InvariantCulture)
            : string.Empty;

    // The protocol asks for lower case (header and parameter names are ASCII).
    private static string Lower(string value) => string.Create(value.Length, value, static (span, source) =>
    {
        for (var i = 0; i < source.Length; i++)
        {
            span[i] = char.ToLowerInvariant(source[i]);
        }
    });
}
