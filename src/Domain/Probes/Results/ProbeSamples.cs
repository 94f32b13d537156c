using Vigil.Domain.Labels;

namespace Vigil.Domain.Probes.Results;

/// <summary>One gauge sample a probe run produces.</summary>
public readonly record struct ProbeSample(string Metric, LabelSet Labels, double Value, long TimestampMs);

/// <summary>
/// The metrics of probe runs, labelled <c>probe</c> (the name) and <c>type</c> (http, tcp, dns, tls), at the run's
/// end: <c>probe_success</c> (1 passed, 0 failed), <c>probe_duration_seconds</c>, <c>probe_http_status_code</c>
/// (when an HTTP answer came) and <c>probe_tls_cert_days_left</c> (when a certificate was seen). All gauges.
/// </summary>
public static class ProbeSamples
{
    public const string Success = "probe_success";
    public const string Duration = "probe_duration_seconds";
    public const string HttpStatusCode = "probe_http_status_code";
    public const string CertDaysLeft = "probe_tls_cert_days_left";

    public static IReadOnlyList<ProbeSample> Of(ProbeDefinition probe, ProbeResult result)
    {
        var labels = LabelSet.From(("probe", probe.Name), ("type", probe.Kind));
        var at = result.CompletedAt.ToUnixTimeMilliseconds();
        var samples = new List<ProbeSample>(4)
        {
            new(Success, labels, result.Success ? 1 : 0, at),
            new(Duration, labels, Math.Round(result.Duration.TotalSeconds, 6), at),
        };
        if (result.HttpStatus is { } status)
        {
            samples.Add(new ProbeSample(HttpStatusCode, labels, status, at));
        }

        if (result.CertDaysLeft is { } days)
        {
            samples.Add(new ProbeSample(CertDaysLeft, labels, days, at));
        }

        return samples;
    }
}
