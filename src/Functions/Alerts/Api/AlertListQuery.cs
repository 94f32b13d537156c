using System.Net;
using Vigil.Domain.Labels;
using Vigil.Domain.Rules;
using Vigil.Functions.Hosting;

namespace Vigil.Functions.Alerts.Api;

/// <summary>
/// The filters of <c>GET /api/alerts</c>: <c>state</c> and <c>severity</c> (repeatable or comma-separated),
/// <c>rule</c>, <c>label</c> (repeatable matchers: <c>label=service=api</c>, <c>label=status=~5..</c>) and
/// <c>muted</c> (<c>true</c>: only alerts muted now; <c>false</c>: only alerts not muted). Empty lists: no filter.
/// </summary>
public sealed record AlertListQuery(
    IReadOnlyList<string> States, IReadOnlyList<string> Severities, string? Rule, IReadOnlyList<LabelMatcher> Labels, bool? Muted)
{
    public static readonly IReadOnlyList<string> StateNames = ["pending", "firing", "resolved", "inactive"];

    /// <summary>Reads the filters; on a bad value <paramref name="problem"/> is the 400 answer naming every bad field.</summary>
    public static bool TryParse(HttpTriggerRequest request, out AlertListQuery query, out HttpResponseData? problem)
    {
        var errors = new List<ProblemError>();
        var states = Values(request, "state");
        foreach (var state in states.Where(s => !StateNames.Contains(s, StringComparer.Ordinal)))
        {
            errors.Add(new ProblemError("state", "state", $"'{state}' is not a state; use {string.Join(", ", StateNames)}."));
        }

        var severities = Values(request, "severity");
        foreach (var severity in severities.Where(s => !AlertSeverityText.TryParse(s, out _)))
        {
            errors.Add(new ProblemError("severity", "severity", $"'{severity}' is not a severity; use {string.Join(", ", AlertSeverityText.Names)}."));
        }

        var matchers = new List<LabelMatcher>();
        foreach (var text in request.GetQueryValues("label"))
        {
            try
            {
                matchers.Add(LabelMatcher.Parse(text));
            }
            catch (FormatException ex)
            {
                errors.Add(new ProblemError("label", "label", ex.Message));
            }
        }

        bool? muted = request.GetQuery("muted") switch
        {
            null or "" => null,
            "true" => true,
            "false" => false,
            var other => AddError(errors, new ProblemError("muted", "muted", $"'{other}' is not a muted filter; use true or false.")),
        };

        var rule = request.GetQuery("rule");
        query = new AlertListQuery(states, severities, string.IsNullOrEmpty(rule) ? null : rule, matchers, muted);
        problem = errors.Count > 0 ? HttpResponseData.Problem(HttpStatusCode.BadRequest, "Invalid filter", errors: errors) : null;
        return problem is null;
    }

    private static List<string> Values(HttpTriggerRequest request, string name) =>
        [.. request.GetQueryValues(name).SelectMany(v => v.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))];

    private static bool? AddError(List<ProblemError> errors, ProblemError error)
    {
        errors.Add(error);
        return null;
    }
}
