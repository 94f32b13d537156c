using System.Net;
using Vigil.Domain.Health;
using Vigil.Functions.Health;
using Vigil.Functions.Hosting;

namespace Vigil.Functions.FunctionApp.Health;

/// <summary><c>GET /api/health</c>: the app's own health; 200 healthy or degraded, 503 unhealthy.</summary>
public sealed class HealthFunction : HttpFunction
{
    private readonly HealthReporter _reporter;

    public HealthFunction(HealthReporter reporter) => _reporter = reporter;

    public override string Name => "Health";

    protected override async Task<HttpResponseData> HandleAsync(HttpTriggerRequest request, InvocationResult outputs, CancellationToken cancellationToken)
    {
        var report = await _reporter.CheckAsync(cancellationToken);
        return HttpResponseData.Json(
            (HttpStatusCode)HealthStatusRules.HttpStatusCode(report.Status),
            report,
            headers: new Dictionary<string, string> { ["Cache-Control"] = "no-store" });
    }
}
