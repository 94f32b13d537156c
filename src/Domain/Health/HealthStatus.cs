namespace Vigil.Domain.Health;

/// <summary>The status vocabulary of health-check registries: healthy, degraded, unhealthy, or not known yet.</summary>
public enum HealthStatus
{
    Unknown = 0,
    Healthy = 1,
    Degraded = 2,
    Unhealthy = 3,
}

public static class HealthStatusRules
{
    /// <summary>
    /// The overall status of several components: any unhealthy makes it unhealthy, else any degraded makes it
    /// degraded, else healthy. Unknown components (not checked yet) do not change the verdict.
    /// </summary>
    public static HealthStatus Overall(IEnumerable<HealthStatus> components)
    {
        var overall = HealthStatus.Healthy;
        foreach (var status in components)
        {
            if (status == HealthStatus.Unhealthy)
            {
                return HealthStatus.Unhealthy;
            }

            if (status == HealthStatus.Degraded)
            {
                overall = HealthStatus.Degraded;
            }
        }

        return overall;
    }

    /// <summary>The HTTP status a health endpoint answers: 503 only when unhealthy.</summary>
    public static int HttpStatusCode(HealthStatus status) => status == HealthStatus.Unhealthy ? 503 : 200;
}
