using System.Net;
using Vigil.Domain.Labels;
using Vigil.Domain.Metrics.Query;
using Vigil.Domain.Metrics.Samples;
using Vigil.Functions.Hosting;
using Vigil.Functions.Metrics;
using Vigil.Functions.Metrics.Store;

namespace Vigil.Functions.FunctionApp.ListSeries;

/// <summary>
/// <c>GET /api/series?metric=http_requests_total&amp;match[]=status=~"5.."</c>: the series of a metric whose labels match,
/// with their kind, last value and when it was seen.
/// </summary>
public sealed class ListSeriesFunction : HttpFunction
{
    private readonly ISeriesQuery _query;
    private readonly SeriesQueryService _store;

    public ListSeriesFunction(ISeriesQuery query, SeriesQueryService store)
    {
        _query = query;
        _store = store;
    }

    public override string Name => "ListSeries";

    protected override async Task<HttpResponseData> HandleAsync(HttpTriggerRequest request, InvocationResult outputs, CancellationToken cancellationToken)
    {
        if (request.Method != "GET")
        {
            return MethodNotAllowed(request, "GET");
        }

        var metric = request.GetQuery("metric");
        if (string.IsNullOrEmpty(metric) || !LabelNames.IsValidMetricName(metric))
        {
            return HttpResponseData.Problem(HttpStatusCode.BadRequest, "Invalid query", "?metric= must name a metric ([a-zA-Z_:][a-zA-Z0-9_:]*).", [new ProblemError("query", "metric", metric is null ? "required" : "not a valid metric name")]);
        }

        var matchers = new List<LabelMatcher>();
        var errors = new List<ProblemError>();
        var matches = request.GetQueryValues("match[]").Concat(request.GetQueryValues("match"));
        foreach (var (text, index) in matches.Select((t, i) => (t, i)))
        {
            try
            {
                matchers.Add(LabelMatcher.Parse(text));
            }
            catch (FormatException ex)
            {
                errors.Add(new ProblemError($"match[{index}]", "match[]", ex.Message));
            }
        }

        if (errors.Count > 0)
        {
            return HttpResponseData.Problem(HttpStatusCode.BadRequest, "Invalid matcher", "Each match[] is name=\"value\", name!=\"value\", name=~\"regex\" or name!~\"regex\".", errors);
        }

        var selector = new SeriesSelector(metric, matchers);
        var series = await _query.ListSeriesAsync(selector, cancellationToken);
        var kinds = await _store.KindsAsync(metric, cancellationToken);
        var body = new
        {
            metric,
            series = series
                .OrderBy(s => s.Labels.ToString(), StringComparer.Ordinal)
                .Select(s => new
                {
                    labels = s.Labels.ToDictionary(),
                    fingerprint = s.Fingerprint,
                    kind = kinds.TryGetValue(s.Fingerprint, out var kind) ? kind.ToText() : null,
                    lastSeen = s.LastSeen,
                    lastValue = s.LastValue,
                }),
        };
        return HttpResponseData.Json(HttpStatusCode.OK, body, headers: new Dictionary<string, string> { ["Cache-Control"] = "no-store" });
    }
}
