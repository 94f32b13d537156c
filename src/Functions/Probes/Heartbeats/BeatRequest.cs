using System.Net;
using System.Text;
using System.Text.Json;
using Vigil.Functions.Hosting;

namespace Vigil.Functions.Probes.Heartbeats;

/// <summary>
/// What a <c>POST /api/heartbeats/{name}</c> says: success or failure (<c>?status=ok|fail</c>, default ok) and an
/// optional message (<c>?message=</c>, or the body: plain text, or JSON <c>{"message": "..."}</c>; at most
/// 1,000 characters). Anything else is a 400 that says what to send.
/// </summary>
public sealed record BeatRequest(bool Failed, string? Message)
{
    public const int MaxMessageLength = 1000;

    public static bool TryParse(HttpTriggerRequest request, out BeatRequest beat, out HttpResponseData? problem)
    {
        beat = new BeatRequest(false, null);
        problem = null;
        var status = request.GetQuery("status");
        bool failed;
        switch (status?.Trim().ToLowerInvariant())
        {
            case null or "" or "ok" or "success":
                failed = false;
                break;
            case "fail" or "failure" or "error":
                failed = true;
                break;
            default:
                problem = Bad("status", $"?status={status} is not a status; send ?status=ok (the default) or ?status=fail.");
                return false;
        }

        var message = request.GetQuery("message");
        if (message is null && !request.Body.IsEmpty)
        {
            if (!TryReadBody(request, out message, out var reason))
            {
                problem = Bad("body", reason!);
                return false;
            }
        }

        message = string.IsNullOrWhiteSpace(message) ? null : message.Trim();
        if (message is not null && message.Length > MaxMessageLength)
        {
            problem = Bad("message", $"The message has {message.Length} characters; at most {MaxMessageLength} are kept. Send a shorter one (the end of a log, an exit code).");
            return false;
        }

        if (message is not null && message.Any(c => char.IsControl(c) && c is not ('\n' or '\r' or '\t')))
        {
            problem = Bad("message", "The message holds control characters; send text.");
            return false;
        }

        beat = new BeatRequest(failed, message);
        return true;
    }

    private static bool TryReadBody(HttpTriggerRequest request, out string? message, out string? reason)
    {
        message = null;
        reason = null;
        var mediaType = request.ContentType?.Split(';', 2)[0].Trim().ToLowerInvariant();
        string text;
        try
        {
            text = new UTF8Encoding(false, true).GetString(request.Body.Span);
        }
        catch (DecoderFallbackException)
        {
            reason = "The body is not UTF-8 text; send the message as text (or ?message=).";
            return false;
        }

        if (mediaType is not null && mediaType.EndsWith("json", StringComparison.Ordinal))
        {
            try
            {
                using var document = JsonDocument.Parse(text);
                if (document.RootElement.ValueKind != JsonValueKind.Object)
                {
                    reason = "A JSON body must be an object with a 'message' string.";
                    return false;
                }

                if (document.RootElement.TryGetProperty("message", out var value))
                {
                    if (value.ValueKind is not (JsonValueKind.String or JsonValueKind.Null))
                    {
                        reason = "'message' must be a string.";
                        return false;
                    }

                    message = value.GetString();
                }

                return true;
            }
            catch (JsonException ex)
            {
                reason = $"The body is not valid JSON (line {ex.LineNumber + 1}); send an object with a 'message' string, or plain text.";
                return false;
            }
        }

        message = text;
        return true;
    }

    private static HttpResponseData Bad(string field, string reason) =>
        HttpResponseData.Problem(HttpStatusCode.BadRequest, "Invalid heartbeat", reason, [new ProblemError("heartbeat", field, reason)]);
}
