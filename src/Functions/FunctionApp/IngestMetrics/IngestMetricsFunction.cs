using System.Net;
using Vigil.Functions.Hosting;
using Vigil.Functions.Metrics.Ingest;
using Vigil.Functions.Metrics.Keys;

namespace Vigil.Functions.FunctionApp.IngestMetrics;

/// <summary>
/// <c>POST /api/metrics</c>: anonymous at the host; Vigil checks its own ingest key, then parses, validates and compacts
/// the body and enqueues it on <c>metrics</c> (docs/ingest.md). A rejected request enqueues nothing.
/// </summary>
public sealed class IngestMetricsFunction : HttpFunction
{
    public const string MetricsOutput = "metricsOut";

    private readonly IngestKeyAuthenticator _keys;
    private readonly MetricsIngestor _ingestor;

    public IngestMetricsFunction(IngestKeyAuthenticator keys, MetricsIngestor ingestor)
    {
        _keys = keys;
        _ingestor = ingestor;
    }

    public override string Name => "IngestMetrics";

    protected override async Task<HttpResponseData> HandleAsync(HttpTriggerRequest request, InvocationResult outputs, CancellationToken cancellationToken)
    {
        if (request.Method != "POST")
        {
            return MethodNotAllowed(request, "POST");
        }

        var source = await _keys.AuthenticateAsync(IngestKeyAuthenticator.PresentedKey(request), cancellationToken);
        if (source is null)
        {
            // Deliberately the same answer for a missing, malformed, unknown, wrong or revoked key.
            return HttpResponseData.Problem(
                new ProblemDetails { Status = (int)HttpStatusCode.Unauthorized, Title = "Unauthorized", Detail = "Send a valid ingest API key as Authorization: Bearer <key> or x-api-key." },
                new Dictionary<string, string> { ["WWW-Authenticate"] = "Bearer realm=\"vigil-ingest\"" });
        }

        var outcome = _ingestor.Ingest(request, source);
        foreach (var message in outcome.Messages)
        {
            outputs.AddMessage(MetricsOutput, message);
        }

        return outcome.Response;
    }
}
