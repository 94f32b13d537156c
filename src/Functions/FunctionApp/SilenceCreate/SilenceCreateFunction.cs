using System.Net;
using Vigil.Functions.Hosting;
using Vigil.Functions.Notifications.Api;
using Vigil.Functions.Notifications.Silences;

namespace Vigil.Functions.FunctionApp.SilenceCreate;

/// <summary>
/// <c>POST /api/silences</c> (admin key): creates a silence, or replaces the one named by <c>id</c> (201 / 200 with
/// the silence). Matching alerts stop being notified at once; they still fire and are listed as muted.
/// </summary>
public sealed partial class SilenceCreateFunction : HttpFunction
{
    private readonly SilenceStore _silences;
    private readonly TimeProvider _time;
    private readonly ILogger<SilenceCreateFunction> _logger;

    public SilenceCreateFunction(SilenceStore silences, TimeProvider time, ILogger<SilenceCreateFunction> logger)
    {
        _silences = silences;
        _time = time;
        _logger = logger;
    }

    public override string Name => "SilenceCreate";

    protected override async Task<HttpResponseData> HandleAsync(HttpTriggerRequest request, InvocationResult outputs, CancellationToken cancellationToken)
    {
        var now = _time.GetUtcNow();
        if (request.Body.IsEmpty)
        {
            return HttpResponseData.Problem(HttpStatusCode.BadRequest, "Empty body", "Send the silence as JSON: {\"matchers\": [\"service=api\"], \"duration\": \"2h\", \"createdBy\": \"...\", \"comment\": \"...\"}.");
        }

        if (!SilenceRequests.TryRead(request.Body, now, out var silence, out var errors))
        {
            return SilenceRequests.Invalid(errors);
        }

        var existing = await _silences.GetAsync(silence!.Id, cancellationToken);
        await _silences.SaveAsync(silence, cancellationToken);
        LogSaved(_logger, silence.Id, string.Join(", ", silence.Matchers), silence.EndsAt, silence.CreatedBy);
        return HttpResponseData.Json(existing is null ? HttpStatusCode.Created : HttpStatusCode.OK, SilenceRequests.Describe(silence, now));
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Silence {SilenceId} saved: {Matchers} until {EndsAt} by {CreatedBy}")]
    private static partial void LogSaved(ILogger logger, string silenceId, string matchers, DateTimeOffset endsAt, string createdBy);
}
