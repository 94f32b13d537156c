using System.Net;
using Vigil.Functions.Hosting;
using Vigil.Functions.Notifications.Api;
using Vigil.Functions.Notifications.Silences;

namespace Vigil.Functions.FunctionApp.SilenceExpire;

/// <summary>
/// <c>DELETE /api/silences/{id}</c> (admin key): expires the silence now (it stays listed as expired for the
/// retention period). Alerts it muted that still fire are notified at their group's next interval.
/// </summary>
public sealed partial class SilenceExpireFunction : HttpFunction
{
    private readonly SilenceStore _silences;
    private readonly TimeProvider _time;
    private readonly ILogger<SilenceExpireFunction> _logger;

    public SilenceExpireFunction(SilenceStore silences, TimeProvider time, ILogger<SilenceExpireFunction> logger)
    {
        _silences = silences;
        _time = time;
        _logger = logger;
    }

    public override string Name => "SilenceExpire";

    protected override async Task<HttpResponseData> HandleAsync(HttpTriggerRequest request, InvocationResult outputs, CancellationToken cancellationToken)
    {
        var id = request.GetParam("id") ?? string.Empty;
        var silence = Guid.TryParse(id, out _) ? await _silences.GetAsync(id, cancellationToken) : null;
        if (silence is null)
        {
            return HttpResponseData.Problem(HttpStatusCode.NotFound, "No such silence", $"No silence has the id '{id}'.");
        }

        var now = _time.GetUtcNow();
        if (silence.EndsAt > now)
        {
            silence = silence with { EndsAt = now, StartsAt = silence.StartsAt > now ? now : silence.StartsAt, UpdatedAt = now };
            await _silences.SaveAsync(silence, cancellationToken);
            LogExpired(_logger, silence.Id);
        }

        return HttpResponseData.Json(HttpStatusCode.OK, SilenceRequests.Describe(silence, now));
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Silence {SilenceId} expired")]
    private static partial void LogExpired(ILogger logger, string silenceId);
}
