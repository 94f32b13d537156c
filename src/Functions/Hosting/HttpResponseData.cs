using System.Net;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Vigil.Functions.Hosting;

/// <summary>
/// The value of an http output binding in payload mode: <c>{"statusCode":202,"headers":{...},"body":"..."}</c>.
/// The body is always a string with an explicit Content-Type (never an object the host might renegotiate).
/// </summary>
public sealed class HttpResponseData
{
    public HttpResponseData(int statusCode, string body, string contentType, IReadOnlyDictionary<string, string>? extraHeaders = null)
    {
        StatusCode = statusCode;
        Body = body;
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase) { ["Content-Type"] = contentType };
        if (extraHeaders is not null)
        {
            foreach (var (name, value) in extraHeaders)
            {
                headers[name] = value;
            }
        }

        Headers = headers;
    }

    [JsonPropertyName("statusCode")]
    public int StatusCode { get; }

    [JsonPropertyName("headers")]
    public IReadOnlyDictionary<string, string> Headers { get; }

    [JsonPropertyName("body")]
    public string Body { get; }

    public static HttpResponseData Json<T>(HttpStatusCode status, T value, JsonSerializerOptions? options = null, IReadOnlyDictionary<string, string>? headers = null) =>
        new((int)status, JsonSerializer.Serialize(value, options ?? VigilJson.Options), "application/json; charset=utf-8", headers);

    public static HttpResponseData Text(HttpStatusCode status, string text, string contentType = "text/plain; charset=utf-8") =>
        new((int)status, text, contentType);

    public static HttpResponseData Empty(HttpStatusCode status) => new((int)status, string.Empty, "text/plain; charset=utf-8");

    /// <summary>An RFC 9457 problem document: which item, which field, why.</summary>
    public static HttpResponseData Problem(ProblemDetails problem, IReadOnlyDictionary<string, string>? headers = null) =>
        new(problem.Status, JsonSerializer.Serialize(problem, VigilJson.Options), "application/problem+json; charset=utf-8", headers);

    public static HttpResponseData Problem(HttpStatusCode status, string title, string? detail = null, IReadOnlyList<ProblemError>? errors = null) =>
        Problem(new ProblemDetails { Status = (int)status, Title = title, Detail = detail, Errors = errors });
}

/// <summary>application/problem+json (RFC 9457) with Vigil's <c>errors</c> extension.</summary>
public sealed class ProblemDetails
{
    [JsonPropertyName("type")]
    public string Type { get; init; } = "about:blank";

    [JsonPropertyName("title")]
    public required string Title { get; init; }

    [JsonPropertyName("status")]
    public required int Status { get; init; }

    [JsonPropertyName("detail")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Detail { get; init; }

    [JsonPropertyName("errors")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<ProblemError>? Errors { get; init; }
}

/// <summary>One rejected item: where (an index, a line, a JSON path), which field, and why.</summary>
public sealed record ProblemError(
    [property: JsonPropertyName("item")] string? Item,
    [property: JsonPropertyName("field")] string? Field,
    [property: JsonPropertyName("reason")] string Reason)
{
    [JsonPropertyName("line")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public int? Line { get; init; }
}
