using System.Net;
using Vigil.Domain.Configuration.Validation;
using Vigil.Domain.Configuration;
using Vigil.Functions.Alerts.Api;
using Vigil.Functions.Alerts.Config;
using Vigil.Functions.Hosting;

namespace Vigil.Functions.FunctionApp.ConfigPlan;

/// <summary><c>POST /api/config/plan</c> (admin key): validates a document and answers what applying it would create, change, remove and leave unchanged, without applying it.</summary>
public sealed class ConfigPlanFunction : HttpFunction
{
    private readonly ConfigStore _store;

    private readonly IConfigSettings _settings;

    public ConfigPlanFunction(ConfigStore store, IConfigSettings settings)
    {
        _store = store;
        _settings = settings;
    }

    public override string Name => "ConfigPlan";

    protected override async Task<HttpResponseData> HandleAsync(HttpTriggerRequest request, InvocationResult outputs, CancellationToken cancellationToken)
    {
        if (!ConfigDocumentRequests.TryRead(request, _settings, out _, out var result, out var problem))
        {
            return problem!;
        }

        var (plan, current) = await _store.PlanAsync(result!.Config!, cancellationToken);
        return HttpResponseData.Json(HttpStatusCode.OK, ConfigDocumentRequests.Describe(plan, current?.Version));
    }
}
