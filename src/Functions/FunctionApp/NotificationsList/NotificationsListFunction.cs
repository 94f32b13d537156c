using System.Globalization;
using System.Net;
using Vigil.Domain.Notifications.Retry;
using Vigil.Functions.Hosting;
using Vigil.Functions.Notifications.Delivery;

namespace Vigil.Functions.FunctionApp.NotificationsList;

/// <summary>
/// <c>GET /api/notifications</c> (function key): every delivery attempt, newest first, paged
/// (<c>limit</c> 1-500, default 50; <c>continuationToken</c> from the previous page), filtered by <c>receiver</c>,
/// <c>result</c> (delivered, rateLimited, serverError, networkError, timeout, clientError, misconfigured, unknown,
/// deadLettered) and <c>notificationId</c>.
/// </summary>
public sealed class NotificationsListFunction : HttpFunction
{
    private readonly AttemptLog _attempts;

    public NotificationsListFunction(AttemptLog attempts) => _attempts = attempts;

    public override string Name => "NotificationsList";

    protected override async Task<HttpResponseData> HandleAsync(HttpTriggerRequest request, InvocationResult outputs, CancellationToken cancellationToken)
    {
        var errors = new List<ProblemError>();
        var limit = 50;
        if (request.GetQuery("limit") is { } limitText && (!int.TryParse(limitText, NumberStyles.None, CultureInfo.InvariantCulture, out limit) || limit is < 1 or > 500))
        {
            errors.Add(new ProblemError("limit", "limit", $"'{limitText}' is not a page size from 1 to 500."));
        }

        var result = request.GetQuery("result");
        if (result is not null && !DeliveryReasons.TryParse(result, out _))
        {
            errors.Add(new ProblemError("result", "result", $"'{result}' is not a result; use {string.Join(", ", DeliveryReasons.AllTexts)}."));
        }

        if (errors.Count > 0)
        {
            return HttpResponseData.Problem(HttpStatusCode.BadRequest, "Invalid query", errors: errors);
        }

        var page = await _attempts.ReadAsync(limit, request.GetQuery("continuationToken"), request.GetQuery("receiver"), result, request.GetQuery("notificationId"), cancellationToken);
        return HttpResponseData.Json(HttpStatusCode.OK, new { attempts = page.Attempts, count = page.Attempts.Count, continuationToken = page.Next });
    }
}
