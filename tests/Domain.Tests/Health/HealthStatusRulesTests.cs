using Vigil.Domain.Health;

namespace Vigil.Domain.Tests.Health;

public sealed class HealthStatusRulesTests
{
    [Theory]
    [InlineData(new[] { HealthStatus.Healthy, HealthStatus.Healthy }, HealthStatus.Healthy)]
    [InlineData(new[] { HealthStatus.Healthy, HealthStatus.Degraded }, HealthStatus.Degraded)]
    [InlineData(new[] { HealthStatus.Degraded, HealthStatus.Unhealthy, HealthStatus.Healthy }, HealthStatus.Unhealthy)]
    [InlineData(new[] { HealthStatus.Unknown, HealthStatus.Healthy }, HealthStatus.Healthy)]
    [InlineData(new HealthStatus[0], HealthStatus.Healthy)]
    public void Overall_AnyUnhealthyElseAnyDegradedElseHealthy(HealthStatus[] components, HealthStatus expected) =>
        Assert.Equal(expected, HealthStatusRules.Overall(components));

    [Theory]
    [InlineData(HealthStatus.Healthy, 200)]
    [InlineData(HealthStatus.Degraded, 200)]
    [InlineData(HealthStatus.Unhealthy, 503)]
    [InlineData(HealthStatus.Unknown, 200)]
    public void HttpStatusCode_OnlyUnhealthyIs503(HealthStatus status, int expected) =>
        Assert.Equal(expected, HealthStatusRules.HttpStatusCode(status));
}
