using System.Net;
using Vigil.Functions.Alerts.Api;
using Vigil.Functions.Hosting;

namespace Vigil.Functions.FunctionApp.AlertsList;

/// <summary>
/// <c>GET /api/alerts</c> (function key): current alert instances (pending, firing, and recently resolved or
/// inactive ones), each with its mute state (<c>muted</c>, <c>mute.silencedBy/inhibitedBy/muteTimes</c>), filtered
/// by <c>state</c>, <c>severity</c>, <c>rule</c>, <c>label</c> and <c>muted</c> (see <see cref="AlertListQuery"/>).
/// </summary>
public sealed class AlertsListFunction : HttpFunction
{
    private readonly AlertLister _lister;

    public AlertsListFunction(AlertLister lister) => _lister = lister;

    public override string Name => "AlertsList";

    protected override async Task<HttpResponseData> HandleAsync(HttpTriggerRequest request, InvocationResult outputs, CancellationToken cancellationToken)
    {
        if (!AlertListQuery.TryParse(request, out var query, out var problem))
        {
            return problem!;
        }

        var alerts = await _lister.ListAsync(query, cancellationToken);
        return HttpResponseData.Json(HttpStatusCode.OK, new { alerts, count = alerts.Count });
    }
}
