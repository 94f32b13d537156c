using System.Net;
using Vigil.Domain.Health;
using Vigil.Functions.Alerts.Config;
using Vigil.Functions.Alerts.Evaluation;
using Vigil.Functions.Hosting;
using Vigil.Functions.Metrics.Keys;
using Vigil.Functions.Probes;
using Vigil.Functions.Probes.Heartbeats;
using Vigil.Functions.Probes.Recording;

namespace Vigil.Functions.FunctionApp.RecordHeartbeat;

/// <summary>
/// <c>POST /api/heartbeats/{name}</c>: anonymous at the host; Vigil checks its ingest key (as for
/// <c>POST /api/metrics</c>). Records a beat (<c>?status=fail</c> and a message optional) and, when the beat changes
/// the heartbeat's status, evaluates its status rules at once (events on <c>alertEvents</c>). 401 without a valid
/// key, 404 for a heartbeat that is not configured, 400 for a bad status or message.
/// </summary>
public sealed partial class RecordHeartbeatFunction : HttpFunction
{
    private readonly IngestKeyAuthenticator _keys;
    private readonly ConfigProvider _config;
    private readonly HeartbeatRecorder _recorder;
    private readonly AlertEvaluator _evaluator;
    private readonly TimeProvider _time;
    private readonly ILogger<RecordHeartbeatFunction> _logger;

    public RecordHeartbeatFunction(IngestKeyAuthenticator keys, ConfigProvider config, HeartbeatRecorder recorder, AlertEvaluator evaluator, TimeProvider time, ILogger<RecordHeartbeatFunction> logger)
    {
        _keys = keys;
        _config = config;
        _recorder = recorder;
        _evaluator = evaluator;
        _time = time;
        _logger = logger;
    }

    public override string Name => "RecordHeartbeat";

    protected override async Task<HttpResponseData> HandleAsync(HttpTriggerRequest request, InvocationResult outputs, CancellationToken cancellationToken)
    {
        if (request.Method != "POST")
        {
            return MethodNotAllowed(request, "POST");
        }

        var source = await _keys.AuthenticateAsync(IngestKeyAuthenticator.PresentedKey(request), cancellationToken);
        if (source is null)
        {
            // The same answer as POST /api/metrics for a missing, malformed, unknown, wrong or revoked key.
            return HttpResponseData.Problem(
                new ProblemDetails { Status = (int)HttpStatusCode.Unauthorized, Title = "Unauthorized", Detail = "Send a valid ingest API key as Authorization: Bearer <key> or x-api-key." },
                new Dictionary<string, string> { ["WWW-Authenticate"] = "Bearer realm=\"vigil-ingest\"" });
        }

        var name = request.GetParam("name") ?? string.Empty;
        var config = (await _config.GetAsync(cancellationToken)).Config;
        var heartbeat = config.Heartbeats.FirstOrDefault(h => h.Name.Equals(name, StringComparison.Ordinal));
        if (heartbeat is null)
        {
            return HttpResponseData.Problem(
                HttpStatusCode.NotFound,
                "Unknown heartbeat",
                $"No heartbeat is named '{Shorten(name)}' in the configuration in force; heartbeats are declared under 'heartbeats:' (names are case-sensitive).",
                [new ProblemError("heartbeat", "name", "not configured")]);
        }

        if (!BeatRequest.TryParse(request, out var beat, out var problem))
        {
            return problem!;
        }

        var now = _time.GetUtcNow();
        var outcome = await _recorder.BeatAsync(heartbeat, beat.Failed, beat.Message, now, cancellationToken);
        if (outcome.Changed)
        {
            var rules = ProbeCycle.StatusRulesFor(config.Rules, [], [heartbeat.Name]);
            if (rules.Count > 0)
            {
                await _evaluator.EvaluateAsync(rules, now, outputs, cancellationToken);
            }
        }

        LogBeat(_logger, heartbeat.Name, source, beat.Failed ? "fail" : "ok", outcome.Previous, outcome.View.Status);
        return HttpResponseData.Json(HttpStatusCode.OK, new BeatAnswer(heartbeat.Name, outcome.View.Status, outcome.View.Since, outcome.View.Deadline, outcome.Beats));
    }

    private static string Shorten(string text) => text.Length <= 100 ? text : text[..100] + "...";

    [LoggerMessage(Level = LogLevel.Information, Message = "Heartbeat {Heartbeat} from {Source}: {Beat}, {Previous} -> {Status}")]
    private static partial void LogBeat(ILogger logger, string heartbeat, string source, string beat, HealthStatus previous, HealthStatus status);
}

/// <summary>The answer to a beat: the heartbeat's status after it, since when, and when the next beat is due.</summary>
public sealed record BeatAnswer(string Heartbeat, HealthStatus Status, DateTimeOffset? Since, DateTimeOffset? NextBeatDue, long Beats);
