using System.IO.Compression;
using System.Net;
using Vigil.Domain.Metrics.Ingest;
using Vigil.Functions.Hosting;

namespace Vigil.Functions.Metrics.Ingest;

/// <summary>The three ingest formats.</summary>
public enum IngestFormat
{
    Json,
    Influx,
    Prometheus,
}

/// <summary>
/// Turns an HTTP request into the format and the uncompressed body, enforcing the size limits. The Functions host hands a
/// custom handler every body as UTF-8 text except <c>application/octet-stream</c> and <c>multipart/*</c> (Base64), so a
/// gzip body survives only as <c>application/octet-stream</c> with <c>Content-Encoding: gzip</c> and <c>?format=</c>; any
/// other gzip body reaches Vigil mangled and is answered with a 400 saying how to send it (docs/ingest.md).
/// </summary>
public static class IngestBody
{
    public const string HowToSendGzip = "Send gzip bodies as Content-Type: application/octet-stream with Content-Encoding: gzip and ?format=json|influx|prometheus: the Functions host passes other binary bodies on as text, which destroys them.";

    private static readonly byte[] MangledGzipStart = [0x1F, 0xEF, 0xBF, 0xBD];

    public sealed record Result(IngestFormat Format, ReadOnlyMemory<byte> Body);

    public static bool TryRead(HttpTriggerRequest request, IngestLimits limits, out Result? result, out HttpResponseData? problem)
    {
        result = null;
        problem = null;
        var contentType = request.ContentType;
        var mediaType = contentType?.Split(';', 2)[0].Trim().ToLowerInvariant();
        var isBase64Body = HttpTriggerRequest.IsBase64Body(contentType);

        // Format: ?format= wins, else the Content-Type.
        IngestFormat format;
        var formatQuery = request.GetQuery("format");
        if (formatQuery is not null)
        {
            switch (formatQuery.ToLowerInvariant())
            {
                case "json":
                    format = IngestFormat.Json;
                    break;
                case "influx":
                    format = IngestFormat.Influx;
                    break;
                case "prometheus":
                    format = IngestFormat.Prometheus;
                    break;
                default:
                    problem = HttpResponseData.Problem(HttpStatusCode.BadRequest, "Unknown format", $"?format={Short(formatQuery)} is not a format: use json, influx or prometheus.", [new ProblemError("query", "format", "use json, influx or prometheus")]);
                    return false;
            }
        }
        else if (mediaType is "application/json" || (mediaType?.EndsWith("+json", StringComparison.Ordinal) ?? false))
        {
            format = IngestFormat.Json;
        }
        else if (mediaType is "text/plain")
        {
            format = contentType!.Contains("version=0.0.4", StringComparison.OrdinalIgnoreCase) ? IngestFormat.Prometheus : IngestFormat.Influx;
        }
        else
        {
            var why = mediaType is null
                ? "The request has no Content-Type."
                : isBase64Body
                    ? $"{mediaType} needs ?format=json|influx|prometheus to say what the body is."
                    : $"{Short(mediaType)} is not an ingest format.";
            problem = HttpResponseData.Problem(
                new ProblemDetails
                {
                    Status = 415,
                    Title = "Unsupported media type",
                    Detail = why + " Use application/json (Vigil JSON), text/plain (Influx line protocol), text/plain; version=0.0.4 (Prometheus text), or application/octet-stream with ?format=.",
                },
                new Dictionary<string, string> { ["Accept-Post"] = "application/json, text/plain, text/plain; version=0.0.4, application/octet-stream" });
            return false;
        }

        var body = request.Body;
        if (body.IsEmpty)
        {
            problem = HttpResponseData.Problem(HttpStatusCode.BadRequest, "Empty body", "The request has no body (or was sent chunked without Content-Length, which the Functions host drops).", [new ProblemError("body", null, "empty")]);
            return false;
        }

        if (body.Length > limits.MaxBodyBytes)
        {
            problem = TooLarge($"The body is {body.Length:N0} bytes; at most {limits.MaxBodyBytes:N0} are accepted (MaxBodyBytes). Split the request or gzip it.");
            return false;
        }

        var encoding = request.GetHeader("Content-Encoding")?.Trim().ToLowerInvariant();
        var gzip = encoding is "gzip" or "x-gzip";
        if (encoding is not (null or "" or "identity") && !gzip)
        {
            problem = HttpResponseData.Problem(new ProblemDetails { Status = 415, Title = "Unsupported content encoding", Detail = $"Content-Encoding {Short(encoding)} is not supported: use gzip or none." });
            return false;
        }

        var looksGzip = body.Length >= 2 && body.Span[0] == 0x1F && body.Span[1] == 0x8B;
        if (gzip || (isBase64Body && looksGzip))
        {
            if (!isBase64Body)
            {
                problem = Mangled("The body is marked Content-Encoding: gzip but was sent as " + (mediaType ?? "no Content-Type") + ".");
                return false;
            }

            if (!TryGunzip(body, limits, out var inflated, out problem))
            {
                return false;
            }

            body = inflated;
        }
        else if (body.Span.StartsWith(MangledGzipStart))
        {
            problem = Mangled("The body looks like gzip data that arrived as text.");
            return false;
        }

        result = new Result(format, body);
        return true;
    }

    private static bool TryGunzip(ReadOnlyMemory<byte> compressed, IngestLimits limits, out ReadOnlyMemory<byte> inflated, out HttpResponseData? problem)
    {
        inflated = default;
        problem = null;
        try
        {
            using var input = new MemoryStream(compressed.ToArray(), writable: false);
            using var gzip = new GZipStream(input, CompressionMode.Decompress);
            using var output = new MemoryStream();
            var buffer = new byte[81920];
            int read;
            while ((read = gzip.Read(buffer, 0, buffer.Length)) > 0)
            {
                if (output.Length + read > limits.MaxDecompressedBytes)
                {
                    problem = TooLarge($"The gzip body inflates to more than {limits.MaxDecompressedBytes:N0} bytes (MaxDecompressedBytes). Split the request.");
                    return false;
                }

                output.Write(buffer, 0, read);
            }

            if (output.Length == 0)
            {
                problem = HttpResponseData.Problem(HttpStatusCode.BadRequest, "Empty body", "The gzip body inflates to nothing.", [new ProblemError("body", null, "empty after gzip")]);
                return false;
            }

            inflated = output.ToArray();
            return true;
        }
        catch (InvalidDataException ex)
        {
            problem = HttpResponseData.Problem(HttpStatusCode.BadRequest, "Invalid gzip body", $"The body is marked gzip but is not valid gzip data ({ex.Message.TrimEnd('.')}).", [new ProblemError("body", "Content-Encoding", "not valid gzip")]);
            return false;
        }
    }

    private static HttpResponseData TooLarge(string detail) =>
        HttpResponseData.Problem(new ProblemDetails { Status = 413, Title = "Request too large", Detail = detail });

    private static HttpResponseData Mangled(string what) =>
        HttpResponseData.Problem(HttpStatusCode.BadRequest, "Compressed body not readable", what + " " + HowToSendGzip, [new ProblemError("body", "Content-Type", HowToSendGzip)]);

    private static string Short(string text) => text.Length <= 40 ? text : text[..37] + "...";
}
