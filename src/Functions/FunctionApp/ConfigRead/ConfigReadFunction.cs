using System.Net;
using Vigil.Functions.Alerts.Config;
using Vigil.Functions.Hosting;

namespace Vigil.Functions.FunctionApp.ConfigRead;

/// <summary>
/// <c>GET /api/config</c> (function key): the applied document as it was sent (<c>?format=raw</c>: the text alone,
/// as YAML/JSON), with its version, hash and time. 404 before any document was applied.
/// </summary>
public sealed class ConfigReadFunction : HttpFunction
{
    private readonly ConfigStore _store;

    public ConfigReadFunction(ConfigStore store) => _store = store;

    public override string Name => "ConfigRead";

    protected override async Task<HttpResponseData> HandleAsync(HttpTriggerRequest request, InvocationResult outputs, CancellationToken cancellationToken)
    {
        var stored = await _store.GetAsync(cancellationToken);
        if (stored is null)
        {
            return HttpResponseData.Problem(HttpStatusCode.NotFound, "No configuration", "No configuration has been applied yet: PUT /api/config with the admin key.");
        }

        if (string.Equals(request.GetQuery("format"), "raw", StringComparison.OrdinalIgnoreCase))
        {
            return new HttpResponseData(200, stored.Document, "application/yaml; charset=utf-8", new Dictionary<string, string> { ["X-Vigil-Config-Version"] = stored.Version.ToString(System.Globalization.CultureInfo.InvariantCulture) });
        }

        return HttpResponseData.Json(HttpStatusCode.OK, new { version = stored.Version, sha256 = stored.Sha256, appliedAt = stored.AppliedAt, document = stored.Document });
    }
}
