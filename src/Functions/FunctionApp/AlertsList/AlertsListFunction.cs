using System.Net;
using Vigil.Domain.Alerts.Lifecycle;
using Vigil.Domain.Labels;
using Vigil.Domain.Rules;
using Vigil.Functions.Alerts.State;
using Vigil.Functions.Hosting;

namespace Vigil.Functions.FunctionApp.AlertsList;

/// <summary>
/// <c>GET /api/alerts</c> (function key): current alert instances (pending, firing, and recently resolved or
/// inactive ones), with filters <c>state</c>, <c>severity</c>, <c>rule</c> and <c>label</c> (repeatable matchers:
/// <c>label=service=api</c>, <c>label=status=~5..</c>). Firing first, then pending, then by rule.
/// </summary>
public sealed class AlertsListFunction : HttpFunction
{
    private static readonly string[] States = ["pending", "firing", "resolved", "inactive"];

    private readonly AlertStateStore _states;

    public AlertsListFunction(AlertStateStore states) => _states = states;

    public override string Name => "AlertsList";

    protected override async Task<HttpResponseData> HandleAsync(HttpTriggerRequest request, InvocationResult outputs, CancellationToken cancellationToken)
    {
        var errors = new List<ProblemError>();
        var states = request.GetQueryValues("state").SelectMany(v => v.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)).ToList();
        foreach (var state in states.Where(s => !States.Contains(s, StringComparer.Ordinal)))
        {
            errors.Add(new ProblemError("state", "state", $"'{state}' is not a state; use {string.Join(", ", States)}."));
        }

        var severities = request.GetQueryValues("severity").SelectMany(v => v.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)).ToList();
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

        if (errors.Count > 0)
        {
            return HttpResponseData.Problem(HttpStatusCode.BadRequest, "Invalid filter", errors: errors);
        }

        var rule = request.GetQuery("rule");
        var instances = await _states.ListAsync(string.IsNullOrEmpty(rule) ? null : rule, cancellationToken);
        var selected = instances
            .Where(i => states.Count == 0 || states.Contains(StateText(i.State.Phase), StringComparer.Ordinal))
            .Where(i => severities.Count == 0 || (i.State.Severity is { } s && severities.Contains(s.ToText(), StringComparer.Ordinal)))
            .Where(i => matchers.Count == 0 || LabelMatcher.MatchesAll(matchers, LabelSet.From(i.Labels)))
            .OrderBy(i => i.State.Phase switch { AlertPhase.Firing => 0, AlertPhase.Pending => 1, AlertPhase.Resolved => 2, _ => 3 })
            .ThenBy(i => i.Rule, StringComparer.Ordinal)
            .ThenBy(i => i.Fingerprint, StringComparer.Ordinal)
            .Select(Describe)
            .ToList();
        return HttpResponseData.Json(HttpStatusCode.OK, new { alerts = selected, count = selected.Count });
    }

    private static object Describe(AlertInstance instance)
    {
        var state = instance.State;
        return new
        {
            rule = instance.Rule,
            fingerprint = instance.Fingerprint,
            state = StateText(state.Phase),
            severity = state.Severity?.ToText(),
            value = state.Value,
            status = instance.Status,
            labels = instance.Labels,
            annotations = instance.Annotations,
            since = state.Phase switch
            {
                AlertPhase.Firing => state.FiringSince,
                AlertPhase.Pending => state.ActiveSince,
                AlertPhase.Resolved => state.ResolvedAt,
                _ => state.LastEvaluatedAt,
            },
            startsAt = state.FiringSince,
            endsAt = state.Phase == AlertPhase.Resolved ? state.ResolvedAt : null,
            flapping = state.Flapping,
            lastEvaluatedAt = state.LastEvaluatedAt,
        };
    }

    private static string StateText(AlertPhase phase) => phase.ToString().ToLowerInvariant();
}
