using Vigil.Domain.Health;

namespace Vigil.Domain.Rules.Evaluation;

public enum VerdictKind
{
    /// <summary>No level is crossed (and the recover condition, if any, holds).</summary>
    Clear,

    /// <summary>A level is crossed: the alert should be (or stay) active with <see cref="Verdict.Severity"/>.</summary>
    Breaching,

    /// <summary>No level is crossed but the recover condition does not hold yet (hysteresis): a firing alert stays firing.</summary>
    Band,

    /// <summary>Nothing to judge: no samples in the window, too small a denominator, an unknown status.</summary>
    NoData,
}

/// <summary>The judgement of one rule on one instance at one time, before the lifecycle applies for/keepFiringFor/noData.</summary>
public readonly record struct Verdict(VerdictKind Kind, AlertSeverity Severity, double? Value, HealthStatus? Status = null)
{
    public static Verdict Clear(double? value, HealthStatus? status = null) => new(VerdictKind.Clear, 0, value, status);

    public static Verdict Breaching(AlertSeverity severity, double? value, HealthStatus? status = null) => new(VerdictKind.Breaching, severity, value, status);

    public static Verdict Band(double value) => new(VerdictKind.Band, 0, value);

    public static Verdict NoData(double? value = null, HealthStatus? status = null) => new(VerdictKind.NoData, 0, value, status);
}
