using System.Globalization;
using System.Net;
using Vigil.Functions.Alerts.History;
using Vigil.Functions.Hosting;

namespace Vigil.Functions.FunctionApp.AlertsHistory;

/// <summary>
/// <c>GET /api/alerts/history</c> (function key): alert events newest first, paged: <c>limit</c> (1 to 500,
/// default 100), <c>next</c> (the token of the previous page), <c>rule</c>.
/// </summary>
public sealed class AlertsHistoryFunction : HttpFunction
{
    private const int DefaultLimit = 100;
    private const int MaxLimit = 500;

    private readonly AlertHistoryStore _history;

    public AlertsHistoryFunction(AlertHistoryStore history) => _history = history;

    public override string Name => "AlertsHistory";

    protected override async Task<HttpResponseData> HandleAsync(HttpTriggerRequest request, InvocationResult outputs, CancellationToken cancellationToken)
    {
        var limit = DefaultLimit;
        if (request.GetQuery("limit") is { } text && (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out limit) || limit is < 1 or > MaxLimit))
        {
            return HttpResponseData.Problem(HttpStatusCode.BadRequest, "Invalid limit", errors: [new ProblemError("limit", "limit", $"'{text}' is not a whole number from 1 to {MaxLimit}.")]);
        }

        var rule = request.GetQuery("rule");
        var page = await _history.ReadAsync(limit, request.GetQuery("next"), string.IsNullOrEmpty(rule) ? null : rule, cancellationToken);
        return HttpResponseData.Json(HttpStatusCode.OK, new { events = page.Events, next = page.Next });
    }
}
