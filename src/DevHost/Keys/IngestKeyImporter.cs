using System.Net;
using System.Text;
using System.Text.Json;

namespace Vigil.DevHost.Keys;

/// <summary>
/// Registers the documented local ingest key (setting <c>DEVHOST_INGEST_KEY</c>, source <c>DEVHOST_INGEST_SOURCE</c> or
/// <c>local</c>) at start, through the app's own admin endpoint (<c>POST /api/ingest-keys</c> with the master key), as an
/// operator would import a key. Importing the same key again is a no-op, so every start may do it.
/// </summary>
public static class IngestKeyImporter
{
    public const string KeySetting = "DEVHOST_INGEST_KEY";
    public const string SourceSetting = "DEVHOST_INGEST_SOURCE";
    public const string FunctionName = "IngestKeys";

    public static async Task<string> ImportAsync(Uri baseAddress, string masterKey, string key, string source, CancellationToken cancellationToken)
    {
        using var client = new HttpClient { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(60) };
        // A StringContent, not JsonContent: the host drops bodies sent chunked (without Content-Length).
        using var request = new HttpRequestMessage(HttpMethod.Post, "api/ingest-keys")
        {
            Content = new StringContent(JsonSerializer.Serialize(new { source, key }), Encoding.UTF8, "application/json"),
        };
        request.Headers.Add("x-functions-key", masterKey);
        using var response = await client.SendAsync(request, cancellationToken);
        return response.StatusCode switch
        {
            HttpStatusCode.Created => $"Local ingest key registered (source {source}).",
            HttpStatusCode.OK => $"Local ingest key already registered (source {source}).",
            _ => throw new InvalidOperationException(
                $"The local ingest key ({KeySetting}) was not accepted ({(int)response.StatusCode}): {await response.Content.ReadAsStringAsync(cancellationToken)}"),
        };
    }
}
