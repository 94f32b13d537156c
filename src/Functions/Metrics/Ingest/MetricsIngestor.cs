using System.Globalization;
using System.Net;
using Vigil.Domain.Labels;
using Vigil.Domain.Metrics.Compaction;
using Vigil.Domain.Metrics.Ingest;
using Vigil.Domain.Metrics.Messages;
using Vigil.Functions.Hosting;

namespace Vigil.Functions.Metrics.Ingest;

/// <summary>What an ingest request gives: the HTTP answer, and the queue messages to send (none when rejected).</summary>
public sealed record IngestOutcome(HttpResponseData Response, IReadOnlyList<MetricsMessage> Messages);

/// <summary>The answer to an accepted request (202).</summary>
public sealed record IngestAccepted(int Accepted, int Series, int Messages, int? Rejected = null, IReadOnlyList<ProblemError>? Errors = null);

/// <summary>
/// The ingest pipeline after authentication: read the body (format, gzip, limits), parse and validate, reject the whole
/// request on any invalid item unless <c>?partial=true</c>, then compact per series and bucket and split into messages.
/// </summary>
public sealed class MetricsIngestor
{
    private readonly TimeProvider _time;
    private readonly ILogger<MetricsIngestor> _logger;

    public MetricsIngestor(TimeProvider time, ILogger<MetricsIngestor> logger, IngestLimits? limits = null)
    {
        _time = time;
        _logger = logger;
        Limits = limits ?? IngestLimits.Default;
    }

    public IngestLimits Limits { get; }

    public IngestOutcome Ingest(HttpTriggerRequest request, string source)
    {
        var partialText = request.GetQuery("partial");
        if (partialText is not (null or "true" or "false"))
        {
            return Reject(source, HttpResponseData.Problem(HttpStatusCode.BadRequest, "Invalid query", "?partial must be true or false.", [new ProblemError("query", "partial", "use true or false")]));
        }

        var partial = partialText == "true";
        if (!IngestBody.TryRead(request, Limits, out var body, out var problem))
        {
            return Reject(source, problem!);
        }

        var options = new IngestOptions(_time.GetUtcNow().ToUnixTimeMilliseconds(), Limits, LabelSet.From(("source", source)));
        if (body!.Format == IngestFormat.Influx)
        {
            if (!IngestOptions.TryParsePrecision(request.GetQuery("precision"), out var precision))
            {
                return Reject(source, HttpResponseData.Problem(HttpStatusCode.BadRequest, "Invalid query", "?precision must be ns, us, ms or s.", [new ProblemError("query", "precision", "use ns, us, ms or s")]));
            }

            options = options with { Precision = precision };
        }

        SampleBatch batch;
        try
        {
            batch = body.Format switch
            {
                IngestFormat.Json => JsonSampleParser.Parse(body.Body.Span, options),
                IngestFormat.Influx => InfluxLineParser.Parse(body.Body.Span, options),
                _ => PrometheusTextParser.Parse(body.Body.Span, options),
            };
        }
        catch (Exception ex) when (ex is ArgumentException or FormatException or InvalidOperationException or IndexOutOfRangeException or OverflowException)
        {
            // A parser defect must not turn bad input into a 500; the log keeps the evidence.
            _logger.LogError(ex, "The {Format} parser failed on a body from {Source}", body.Format, source);
            return Reject(source, HttpResponseData.Problem(HttpStatusCode.BadRequest, "Unreadable body", $"The body could not be read as {FormatName(body.Format)}.", [new ProblemError("body", null, "unreadable")]));
        }

        if (batch.Failure is { } failure)
        {
            var status = failure.Kind == IngestFailureKind.TooLarge ? 413 : 400;
            return Reject(source, HttpResponseData.Problem(new ProblemDetails
            {
                Status = status,
                Title = status == 413 ? "Request too large" : $"Not valid {FormatName(body.Format)}",
                Detail = failure.Error.Reason,
                Errors = [ToProblem(failure.Error)],
            }));
        }

        var errors = batch.Errors.Select(ToProblem).ToList();
        if (batch.ErrorCount > 0 && (!partial || batch.AcceptedCount == 0))
        {
            var detail = string.Create(CultureInfo.InvariantCulture, $"{batch.ErrorCount} item(s) are invalid{(batch.ErrorCount > errors.Count ? $" (the first {errors.Count} are listed)" : string.Empty)}; nothing was accepted.")
                + (partial ? string.Empty : " Fix them, or send ?partial=true to accept the valid items.");
            return Reject(source, HttpResponseData.Problem(HttpStatusCode.BadRequest, $"Invalid {FormatName(body.Format)}", detail, errors));
        }

        if (batch.AcceptedCount == 0)
        {
            return Reject(source, HttpResponseData.Problem(HttpStatusCode.BadRequest, "No samples", "The body holds no samples.", [new ProblemError("body", null, "no samples")]));
        }

        var compacted = RequestCompactor.Compact(batch);
        var messages = MessageSplitter.Split(compacted, Guid.NewGuid().ToString("N"));
        _logger.LogDebug("Accepted {Accepted} samples from {Source}: {Series} series, {Messages} messages", batch.AcceptedCount, source, compacted.Count, messages.Count);
        var accepted = new IngestAccepted(batch.AcceptedCount, compacted.Count, messages.Count, batch.ErrorCount > 0 ? batch.ErrorCount : null, batch.ErrorCount > 0 ? errors : null);
        return new IngestOutcome(HttpResponseData.Json(HttpStatusCode.Accepted, accepted), messages);
    }

    private IngestOutcome Reject(string source, HttpResponseData response)
    {
        _logger.LogInformation("Rejected metrics from {Source}: {Status}", source, response.StatusCode);
        return new IngestOutcome(response, []);
    }

    private static ProblemError ToProblem(IngestError error) => new(error.Item, error.Field, error.Reason) { Line = error.Line };

    private static string FormatName(IngestFormat format) => format switch
    {
        IngestFormat.Json => "Vigil JSON",
        IngestFormat.Influx => "Influx line protocol",
        _ => "Prometheus text",
    };
}
