using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Vigil.Domain.Probes.Results;
using Vigil.Domain.Time;

namespace Vigil.Domain.Probes.Checks;

/// <summary>What an HTTP probe got back: the final status (after redirects it followed), up to 64 KB of body, the time it took.</summary>
public sealed record HttpObservation(int StatusCode, ReadOnlyMemory<byte> Body, bool BodyTruncated, TimeSpan Duration);

/// <summary>
/// Judges an HTTP answer against a probe's expectations, in order: status code, <c>bodyContains</c>,
/// <c>bodyMatches</c>, the JSON check (each a failure), then <c>maxLatency</c> (slower is degraded).
/// </summary>
public static class HttpCheck
{
    /// <summary>The longest a <c>bodyMatches</c> regular expression may run (it is non-backtracking, so this is a backstop).</summary>
    public static readonly TimeSpan RegexTimeout = TimeSpan.FromSeconds(1);

    private const int MaxQuoted = 80;

    public static CheckVerdict Judge(HttpProbeTarget target, HttpObservation observation)
    {
        if (!target.ExpectStatus.Contains(observation.StatusCode))
        {
            return CheckVerdict.Unhealthy(string.Create(CultureInfo.InvariantCulture, $"HTTP {observation.StatusCode}, expected {target.ExpectStatus}"));
        }

        var truncated = observation.BodyTruncated ? " (only the first 64 KB of the body are checked)" : string.Empty;
        string? text = null;
        if (target.BodyContains is { } needle)
        {
            text ??= Decode(observation.Body);
            if (!text.Contains(needle, StringComparison.Ordinal))
            {
                return CheckVerdict.Unhealthy($"the body does not contain \"{Quote(needle)}\"{truncated}");
            }
        }

        if (target.BodyMatches is { } regex)
        {
            text ??= Decode(observation.Body);
            try
            {
                if (!regex.IsMatch(text))
                {
                    return CheckVerdict.Unhealthy($"the body does not match /{Quote(regex.ToString())}/{truncated}");
                }
            }
            catch (RegexMatchTimeoutException)
            {
                return CheckVerdict.Unhealthy($"matching the body against /{Quote(regex.ToString())}/ took longer than {DurationText.Format(RegexTimeout)}");
            }
        }

        if (target.Json is { } json)
        {
            var verdict = JudgeJson(json, observation.Body, truncated);
            if (verdict.Status != Health.HealthStatus.Healthy)
            {
                return verdict;
            }
        }

        if (target.MaxLatency is { } limit && observation.Duration > limit)
        {
            return CheckVerdict.Degraded(string.Create(CultureInfo.InvariantCulture, $"took {observation.Duration.TotalMilliseconds:F0} ms, more than maxLatency {DurationText.Format(limit)}"));
        }

        return CheckVerdict.Healthy;
    }

    /// <summary>Whether a JSON value equals the expected text: strings by text, numbers by value, booleans and null by their literal.</summary>
    public static bool JsonEquals(JsonElement value, string expected) => value.ValueKind switch
    {
        JsonValueKind.String => value.GetString() == expected,
        JsonValueKind.Number => double.TryParse(expected, NumberStyles.Float, CultureInfo.InvariantCulture, out var number)
            && value.TryGetDouble(out var actual) && actual.Equals(number),
        JsonValueKind.True => expected == "true",
        JsonValueKind.False => expected == "false",
        JsonValueKind.Null => expected == "null",
        _ => false,
    };

    private static CheckVerdict JudgeJson(JsonCheck json, ReadOnlyMemory<byte> body, string truncated)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(body, new JsonDocumentOptions { MaxDepth = 64 });
        }
        catch (JsonException ex)
        {
            var where = ex.LineNumber is { } line ? string.Create(CultureInfo.InvariantCulture, $" (line {line + 1}, byte {ex.BytePositionInLine + 1})") : string.Empty;
            return CheckVerdict.Unhealthy($"the body is not valid JSON{where}, so {json.Path} cannot be checked{truncated}");
        }

        using (document)
        {
            if (json.Path.Select(document.RootElement) is not { } value)
            {
                return CheckVerdict.Unhealthy($"{json.Path} is not in the body");
            }

            return JsonEquals(value, json.Expected)
                ? CheckVerdict.Healthy
                : CheckVerdict.Unhealthy($"{json.Path} is {Quote(value.GetRawText())}, expected \"{Quote(json.Expected)}\"");
        }
    }

    private static string Decode(ReadOnlyMemory<byte> body) => Encoding.UTF8.GetString(body.Span);

    private static string Quote(string text)
    {
        var oneLine = text.ReplaceLineEndings(" ");
        return oneLine.Length <= MaxQuoted ? oneLine : oneLine[..(MaxQuoted - 3)] + "...";
    }
}
