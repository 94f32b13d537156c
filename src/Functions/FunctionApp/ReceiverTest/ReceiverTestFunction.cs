using System.Net;
using Vigil.Domain.Notifications.Receivers;
using Vigil.Domain.Notifications.Retry;
using Vigil.Functions.Alerts.Config;
using Vigil.Functions.Hosting;
using Vigil.Functions.Notifications.Delivery;

namespace Vigil.Functions.FunctionApp.ReceiverTest;

/// <summary>
/// <c>POST /api/receivers/{name}/test</c> (admin key): sends a test notification to the receiver now (no rate
/// limit wait, no retry) and reports its answer: <c>{receiver, channel, result, remoteStatus, detail, durationMs}</c>.
/// 200 when delivered, 502 when the receiver failed; the attempt is listed in GET /api/notifications.
/// </summary>
public sealed class ReceiverTestFunction : HttpFunction
{
    private readonly ConfigProvider _config;
    private readonly DeliveryProcessor _processor;
    private readonly TimeProvider _time;

    public ReceiverTestFunction(ConfigProvider config, DeliveryProcessor processor, TimeProvider time)
    {
        _config = config;
        _processor = processor;
        _time = time;
    }

    public override string Name => "ReceiverTest";

    protected override async Task<HttpResponseData> HandleAsync(HttpTriggerRequest request, InvocationResult outputs, CancellationToken cancellationToken)
    {
        var name = request.GetParam("name") ?? string.Empty;
        var config = (await _config.GetAsync(cancellationToken)).Config.Notifications;
        if (!config.ReceiversByName.TryGetValue(name, out var receiver))
        {
            var known = config.Receivers.Count == 0 ? "no receivers are configured" : "receivers: " + string.Join(", ", config.Receivers.Select(r => r.Name));
            return HttpResponseData.Problem(HttpStatusCode.NotFound, "No such receiver", $"No receiver is named '{name}' ({known}).");
        }

        var started = _time.GetUtcNow();
        var notification = MetaAlerts.Test(receiver, started);
        var outcome = await _processor.SendTestAsync(notification, receiver, cancellationToken);
        var body = new
        {
            receiver = receiver.Name,
            channel = receiver.Kind.Key(),
            notificationId = notification.Id,
            result = outcome.Reason.Text(),
            delivered = outcome.Succeeded,
            retryable = outcome.Retryable,
            remoteStatus = outcome.RemoteStatus,
            detail = outcome.Detail,
            durationMs = (_time.GetUtcNow() - started).TotalMilliseconds,
        };
        return HttpResponseData.Json(outcome.Succeeded ? HttpStatusCode.OK : HttpStatusCode.BadGateway, body);
    }
}
