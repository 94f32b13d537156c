using System.Net;
using Vigil.Domain.Notifications.Silences;
using Vigil.Functions.Hosting;
using Vigil.Functions.Notifications.Api;
using Vigil.Functions.Notifications.Silences;

namespace Vigil.Functions.FunctionApp.SilencesList;

/// <summary><c>GET /api/silences</c> (function key; <c>?state=active|pending|expired</c>) and <c>GET /api/silences/{id}</c>.</summary>
public sealed class SilencesListFunction : HttpFunction
{
    private static readonly string[] States = ["active", "pending", "expired"];
    private readonly SilenceStore _silences;
    private readonly TimeProvider _time;

    public SilencesListFunction(SilenceStore silences, TimeProvider time)
    {
        _silences = silences;
        _time = time;
    }

    public override string Name => "SilencesList";

    protected override async Task<HttpResponseData> HandleAsync(HttpTriggerRequest request, InvocationResult outputs, CancellationToken cancellationToken)
    {
        var now = _time.GetUtcNow();
        if (request.GetParam("id") is { Length: > 0 } id)
        {
            var silence = Guid.TryParse(id, out _) ? await _silences.GetAsync(id, cancellationToken) : null;
            return silence is null
                ? HttpResponseData.Problem(HttpStatusCode.NotFound, "No such silence", $"No silence has the id '{id}'.")
                : HttpResponseData.Json(HttpStatusCode.OK, SilenceRequests.Describe(silence, now));
        }

        var state = request.GetQuery("state");
        if (state is not null && !States.Contains(state, StringComparer.Ordinal))
        {
            return HttpResponseData.Problem(HttpStatusCode.BadRequest, "Invalid filter", errors: [new ProblemError("state", "state", $"'{state}' is not a state; use {string.Join(", ", States)}.")]);
        }

        var silences = (await _silences.ListAsync(cancellationToken))
            .Where(s => state is null || s.StateAt(now).ToString().Equals(state, StringComparison.OrdinalIgnoreCase))
            .OrderBy(s => s.StateAt(now) switch { SilenceState.Active => 0, SilenceState.Pending => 1, _ => 2 })
            .ThenByDescending(s => s.EndsAt)
            .Select(s => SilenceRequests.Describe(s, now))
            .ToList();
        return HttpResponseData.Json(HttpStatusCode.OK, new { silences, count = silences.Count });
    }
}
