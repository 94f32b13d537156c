using System.Globalization;
using System.Net;
using System.Text.Json;
using Vigil.Domain.Labels;
using Vigil.Domain.Notifications.Silences;
using Vigil.Domain.Time;
using Vigil.Functions.Hosting;

namespace Vigil.Functions.Notifications.Api;

/// <summary>Reads the body of <c>POST /api/silences</c> and describes silences for the API.</summary>
public static class SilenceRequests
{
    /// <summary>
    /// Parses <c>{matchers, startsAt?, endsAt | duration, createdBy, comment, id?}</c>. Matchers are strings
    /// (<c>"service=api"</c>, <c>"status=~5.."</c>) or Alertmanager objects (<c>{name, value, isRegex, isEqual}</c>).
    /// </summary>
    public static bool TryRead(ReadOnlyMemory<byte> body, DateTimeOffset now, out Silence? silence, out List<ProblemError> errors)
    {
        silence = null;
        errors = [];
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(body);
        }
        catch (JsonException ex)
        {
            errors.Add(new ProblemError(null, null, "The body is not JSON: " + ex.Message.Split('.')[0] + ".") { Line = (int?)(ex.LineNumber + 1) });
            return false;
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                errors.Add(new ProblemError(null, null, "Send a JSON object: {\"matchers\": [\"service=api\"], \"endsAt\": \"...\" or \"duration\": \"2h\", \"createdBy\": \"...\", \"comment\": \"...\"}."));
                return false;
            }

            foreach (var property in root.EnumerateObject())
            {
                if (property.Name is not ("matchers" or "startsAt" or "endsAt" or "duration" or "createdBy" or "comment" or "id"))
                {
                    errors.Add(new ProblemError(property.Name, property.Name, "Unknown field; allowed: matchers, startsAt, endsAt, duration, createdBy, comment, id."));
                }
            }

            var matchers = ReadMatchers(root, errors);
            var startsAt = ReadTime(root, "startsAt", errors) ?? now;
            var endsAt = ReadTime(root, "endsAt", errors);
            if (root.TryGetProperty("duration", out var durationValue))
            {
                if (endsAt is not null)
                {
                    errors.Add(new ProblemError("duration", "duration", "Give endsAt or duration, not both."));
                }
                else if (durationValue.ValueKind == JsonValueKind.String && DurationText.TryParse(durationValue.GetString(), out var duration) && duration > TimeSpan.Zero)
                {
                    endsAt = startsAt + duration;
                }
                else
                {
                    errors.Add(new ProblemError("duration", "duration", "Expected a duration such as \"2h\" or \"30m\"."));
                }
            }
            else if (endsAt is null && !errors.Any(e => e.Field == "endsAt"))
            {
                errors.Add(new ProblemError("endsAt", "endsAt", "Give endsAt (RFC 3339) or duration (e.g. \"2h\")."));
            }

            var createdBy = ReadString(root, "createdBy", errors);
            var comment = ReadString(root, "comment", errors);
            var id = ReadString(root, "id", errors);
            if (id is not null && !Guid.TryParse(id, out _))
            {
                errors.Add(new ProblemError("id", "id", "Not a silence id (a GUID from POST or GET /api/silences)."));
            }

            if (matchers is not null && endsAt is { } end && errors.Count == 0)
            {
                foreach (var (field, reason) in Silence.Validate(matchers, startsAt, end, createdBy, comment, now))
                {
                    errors.Add(new ProblemError(field, field, reason));
                }
            }

            if (errors.Count > 0)
            {
                return false;
            }

            silence = new Silence(id ?? Guid.NewGuid().ToString("D"), matchers!, startsAt, endsAt!.Value, createdBy!.Trim(), comment!.Trim(), now);
            return true;
        }
    }

    public static object Describe(Silence silence, DateTimeOffset now) => new
    {
        id = silence.Id,
        status = new { state = silence.StateAt(now).ToString().ToLowerInvariant() },
        matchers = silence.Matchers.Select(m => new { name = m.Name, value = m.Value, isRegex = m.Operator is MatchOperator.Regex or MatchOperator.NotRegex, isEqual = m.Operator is MatchOperator.Equal or MatchOperator.Regex, text = m.ToString() }),
        startsAt = silence.StartsAt,
        endsAt = silence.EndsAt,
        createdBy = silence.CreatedBy,
        comment = silence.Comment,
        updatedAt = silence.UpdatedAt,
    };

    public static HttpResponseData Invalid(IReadOnlyList<ProblemError> errors) =>
        HttpResponseData.Problem(HttpStatusCode.BadRequest, "Invalid silence", $"The silence has {errors.Count} problem{(errors.Count == 1 ? string.Empty : "s")}; nothing was stored.", errors);

    private static List<LabelMatcher>? ReadMatchers(JsonElement root, List<ProblemError> errors)
    {
        if (!root.TryGetProperty("matchers", out var value) || value.ValueKind != JsonValueKind.Array)
        {
            errors.Add(new ProblemError("matchers", "matchers", "Expected a list of matchers, e.g. [\"service=api\", \"severity=~warning|critical\"]."));
            return null;
        }

        var result = new List<LabelMatcher>();
        var index = 0;
        foreach (var item in value.EnumerateArray())
        {
            var path = string.Create(CultureInfo.InvariantCulture, $"matchers[{index++}]");
            try
            {
                if (item.ValueKind == JsonValueKind.String)
                {
                    result.Add(LabelMatcher.Parse(item.GetString()!));
                }
                else if (item.ValueKind == JsonValueKind.Object && item.TryGetProperty("name", out var name) && name.ValueKind == JsonValueKind.String
                    && item.TryGetProperty("value", out var matchValue) && matchValue.ValueKind == JsonValueKind.String)
                {
                    var isRegex = item.TryGetProperty("isRegex", out var r) && r.ValueKind == JsonValueKind.True;
                    var isEqual = !item.TryGetProperty("isEqual", out var e) || e.ValueKind != JsonValueKind.False;
                    if (!LabelNames.IsValid(name.GetString()))
                    {
                        throw new FormatException($"'{name.GetString()}' is not a label name.");
                    }

                    var op = (isRegex, isEqual) switch
                    {
                        (true, true) => MatchOperator.Regex,
                        (true, false) => MatchOperator.NotRegex,
                        (false, true) => MatchOperator.Equal,
                        _ => MatchOperator.NotEqual,
                    };
                    result.Add(LabelMatcher.Create(name.GetString()!, op, matchValue.GetString()!));
                }
                else
                {
                    errors.Add(new ProblemError(path, "matchers", "Expected \"name=value\" (or != =~ !~), or {\"name\", \"value\", \"isRegex\", \"isEqual\"}."));
                }
            }
            catch (FormatException ex)
            {
                errors.Add(new ProblemError(path, "matchers", ex.Message));
            }
        }

        return result;
    }

    private static DateTimeOffset? ReadTime(JsonElement root, string name, List<ProblemError> errors)
    {
        if (!root.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        if (value.ValueKind == JsonValueKind.String && DateTimeOffset.TryParse(value.GetString(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var time)
            && value.GetString()!.Contains('T', StringComparison.Ordinal))
        {
            return time.ToUniversalTime();
        }

        errors.Add(new ProblemError(name, name, "Expected an RFC 3339 time such as \"2026-11-21T18:00:00Z\"."));
        return null;
    }

    private static string? ReadString(JsonElement root, string name, List<ProblemError> errors)
    {
        if (!root.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        if (value.ValueKind != JsonValueKind.String)
        {
            errors.Add(new ProblemError(name, name, "Expected a text value."));
            return null;
        }

        return value.GetString();
    }
}
