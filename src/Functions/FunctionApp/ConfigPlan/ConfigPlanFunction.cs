using System.Net;
using Vigil.Functions.Alerts.Api;
using Vigil.Functions.Alerts.Config;
using Vigil.Functions.Hosting;

namespace Vigil.Functions.FunctionApp.ConfigPlan;

/// <summary><c>POST /api/config/plan</c> (admin key): validates a document and answers what applying it would create, change, remove and leave unchanged, without applying it.</summary>
public sealed class ConfigPlanFunction : HttpFunction
{
    private readonly ConfigStore _store;

    public ConfigPlanFunction(ConfigStore store) => _store = store;

    public override string Name => "ConfigPlan";

    protected override async Task<HttpResponseData> HandleAsync(HttpTriggerRequest request, InvocationResult outputs, CancellationToken cancellationToken)
    {
        if (!ConfigDocumentRequests.TryRead(request, out _, out var result, out var problem))
        {
            return problem!;
        }

        var (plan, current) = await _store.PlanAsync(result!.Config!, cancellationToken);
        return HttpResponseData.Json(HttpStatusCode.OK, ConfigDocumentRequests.Describe(plan, current?.Version));
    }
}
