using System.Net;
using Vigil.Domain.Health;
using Vigil.Functions.Hosting;
using Vigil.Functions.Probes.Status;

namespace Vigil.Functions.FunctionApp.Status;

/// <summary>
/// <c>GET /api/status</c> (function key): every probe, heartbeat and component of Vigil's own health with its
/// status, since when, last result and last error, and the overall status; 503 when it is unhealthy.
/// </summary>
public sealed class StatusFunction : HttpFunction
{
    private readonly StatusReporter _reporter;

    public StatusFunction(StatusReporter reporter) => _reporter = reporter;

    public override string Name => "Status";

    protected override async Task<HttpResponseData> HandleAsync(HttpTriggerRequest request, InvocationResult outputs, CancellationToken cancellationToken)
    {
        var report = await _reporter.BuildAsync(cancellationToken);
        return HttpResponseData.Json(
            (HttpStatusCode)HealthStatusRules.HttpStatusCode(report.Status),
            report,
            headers: new Dictionary<string, string> { ["Cache-Control"] = "no-store" });
    }
}
