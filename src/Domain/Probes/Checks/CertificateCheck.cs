using System.Globalization;
using Vigil.Domain.Probes.Results;

namespace Vigil.Domain.Probes.Checks;

/// <summary>
/// What a TLS handshake showed of the server certificate. <see cref="Problem"/> is why the certificate is not
/// trusted for the host (untrusted chain, name mismatch), apart from its validity dates, which are judged here.
/// </summary>
public sealed record CertificateObservation(DateTimeOffset NotBefore, DateTimeOffset NotAfter, string? Problem);

/// <summary>Judges a certificate: expiry first (expired or fewer than criticalDays left is unhealthy, fewer than warnDays degraded), then trust.</summary>
public static class CertificateCheck
{
    /// <summary>Days left, to two decimals (negative once expired): what <c>probe_tls_cert_days_left</c> reports.</summary>
    public static double DaysLeft(CertificateObservation certificate, DateTimeOffset now) =>
        Math.Round((certificate.NotAfter - now).TotalDays, 2);

    public static CheckVerdict Judge(TlsProbeTarget target, CertificateObservation certificate, DateTimeOffset now)
    {
        var days = DaysLeft(certificate, now);
        if (certificate.NotAfter <= now)
        {
            return CheckVerdict.Unhealthy(string.Create(CultureInfo.InvariantCulture, $"the certificate expired {Stamp(certificate.NotAfter)} ({-days:0.##} days ago)"));
        }

        if (certificate.NotBefore > now)
        {
            return CheckVerdict.Unhealthy($"the certificate is not valid before {Stamp(certificate.NotBefore)}");
        }

        if (target.Verify && certificate.Problem is { } problem)
        {
            return CheckVerdict.Unhealthy($"the certificate is not trusted: {problem}");
        }

        if (days < target.CriticalDays)
        {
            return CheckVerdict.Unhealthy(string.Create(CultureInfo.InvariantCulture, $"the certificate expires in {days:0.##} days ({Stamp(certificate.NotAfter)}), fewer than criticalDays {target.CriticalDays}"));
        }

        if (days < target.WarnDays)
        {
            return CheckVerdict.Degraded(string.Create(CultureInfo.InvariantCulture, $"the certificate expires in {days:0.##} days ({Stamp(certificate.NotAfter)}), fewer than warnDays {target.WarnDays}"));
        }

        return CheckVerdict.Healthy;
    }

    private static string Stamp(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture);
}
