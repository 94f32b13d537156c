using Vigil.Domain.Health;

namespace Vigil.Domain.Probes.Results;

/// <summary>
/// What one run of a probe found: healthy, degraded (it works, but slowly or with a certificate close to expiry) or
/// unhealthy (it failed), with why when it was not healthy, and the figures it measured.
/// </summary>
public sealed record ProbeResult(
    DateTimeOffset StartedAt,
    TimeSpan Duration,
    HealthStatus Status,
    string? Error = null,
    int? HttpStatus = null,
    double? CertDaysLeft = null)
{
    public DateTimeOffset CompletedAt => StartedAt + Duration;

    /// <summary>The probe reached its target and got an acceptable answer (degraded counts: <c>probe_success</c> is 1).</summary>
    public bool Success => Status is HealthStatus.Healthy or HealthStatus.Degraded;

    public static ProbeResult From(DateTimeOffset startedAt, TimeSpan duration, CheckVerdict verdict, int? httpStatus = null, double? certDaysLeft = null) =>
        new(startedAt, duration, verdict.Status, verdict.Error, httpStatus, certDaysLeft);

    public static ProbeResult Failed(DateTimeOffset startedAt, TimeSpan duration, string error, int? httpStatus = null, double? certDaysLeft = null) =>
        new(startedAt, duration, HealthStatus.Unhealthy, error, httpStatus, certDaysLeft);
}

/// <summary>A check's verdict on what it observed: a status and, unless healthy, why.</summary>
public readonly record struct CheckVerdict(HealthStatus Status, string? Error)
{
    public static readonly CheckVerdict Healthy = new(HealthStatus.Healthy, null);

    public static CheckVerdict Degraded(string why) => new(HealthStatus.Degraded, why);

    public static CheckVerdict Unhealthy(string why) => new(HealthStatus.Unhealthy, why);

    /// <summary>The worse of two verdicts (the first one's reason wins a tie).</summary>
    public CheckVerdict Worst(CheckVerdict other) => other.Status > Status ? other : this;
}
