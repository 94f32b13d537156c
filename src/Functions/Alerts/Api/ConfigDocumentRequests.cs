using System.Net;
using System.Text;
using Vigil.Domain.Configuration;
using Vigil.Domain.Configuration.Validation;
using Vigil.Functions.Alerts.Config;
using Vigil.Functions.Hosting;

namespace Vigil.Functions.Alerts.Api;

/// <summary>Reads a configuration document from a request body and turns validation errors into problem+json.</summary>
public static class ConfigDocumentRequests
{
    /// <summary>
    /// Parses and validates the body (every app setting the document names must exist in <paramref name="settings"/>);
    /// on failure <paramref name="problem"/> is the 4xx answer.
    /// </summary>
    public static bool TryRead(HttpTriggerRequest request, IConfigSettings settings, out string document, out ConfigLoadResult? result, out HttpResponseData? problem)
    {
        document = string.Empty;
        result = null;
        problem = null;
        if (request.Body.IsEmpty)
        {
            problem = HttpResponseData.Problem(HttpStatusCode.BadRequest, "Empty configuration", "Send the configuration document (YAML or JSON) as the request body.");
            return false;
        }

        if (request.Body.Length > ConfigStore.MaxStoredLength * 3L)
        {
            problem = HttpResponseData.Problem(HttpStatusCode.RequestEntityTooLarge, "Configuration too large", $"The document is {request.Body.Length} bytes; at most {ConfigStore.MaxStoredLength} characters are accepted.");
            return false;
        }

        var mediaType = request.ContentType?.Split(';', 2)[0].Trim().ToLowerInvariant();
        if (mediaType is not (null or "" or "application/json" or "application/yaml" or "application/x-yaml" or "text/yaml" or "text/x-yaml" or "text/plain"))
        {
            problem = HttpResponseData.Problem(HttpStatusCode.UnsupportedMediaType, "Unsupported media type", $"'{mediaType}' is not a configuration document; send application/yaml, text/yaml, application/json or text/plain.");
            return false;
        }

        try
        {
            document = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true).GetString(request.Body.Span).TrimStart('\uFEFF');
        }
        catch (DecoderFallbackException)
        {
            problem = HttpResponseData.Problem(HttpStatusCode.BadRequest, "Not text", "The body is not UTF-8 text (a compressed or binary body?). Send the YAML or JSON document as plain UTF-8.");
            return false;
        }

        if (document.Length > ConfigStore.MaxStoredLength)
        {
            problem = HttpResponseData.Problem(HttpStatusCode.RequestEntityTooLarge, "Configuration too large", $"The document has {document.Length} characters; at most {ConfigStore.MaxStoredLength} are accepted.");
            return false;
        }

        result = ConfigReader.Load(document, settings);
        if (!result.IsValid)
        {
            problem = Invalid(result.Errors);
            return false;
        }

        return true;
    }

    public static HttpResponseData Invalid(IReadOnlyList<ConfigError> errors) => HttpResponseData.Problem(
        HttpStatusCode.BadRequest,
        "Invalid configuration",
        $"The document has {errors.Count} error{(errors.Count == 1 ? string.Empty : "s")}; nothing was applied.",
        [.. errors.Select(ToProblem)]);

    public static ProblemError ToProblem(ConfigError error) =>
        new(string.IsNullOrEmpty(error.Path) ? null : error.Path, LastSegment(error.Path), error.Reason) { Line = error.Line };

    /// <summary>The plan as the API shows it.</summary>
    public static object Describe(ConfigPlan plan, long? currentVersion) => new
    {
        currentVersion,
        hasChanges = plan.HasChanges,
        created = plan.Created.Select(Entry).ToList(),
        changed = plan.Changed.Select(Entry).ToList(),
        removed = plan.Removed.Select(Entry).ToList(),
        unchanged = plan.Unchanged.Select(Entry).ToList(),
    };

    private static object Entry(PlanEntry entry) => new { kind = entry.Kind, name = entry.Name };

    private static string? LastSegment(string path)
    {
        if (string.IsNullOrEmpty(path))
        {
            return null;
        }

        var segment = path[(path.LastIndexOf('.') + 1)..];
        var bracket = segment.IndexOf('[', StringComparison.Ordinal);
        return bracket > 0 ? segment[..bracket] : segment;
    }
}
