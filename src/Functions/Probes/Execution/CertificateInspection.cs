using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using Vigil.Domain.Probes.Checks;

namespace Vigil.Functions.Probes.Execution;

/// <summary>Turns what a TLS handshake's validation callback saw into a <see cref="CertificateObservation"/>.</summary>
public static class CertificateInspection
{
    private static readonly X509ChainStatusFlags TimeFlags = X509ChainStatusFlags.NotTimeValid | X509ChainStatusFlags.NotTimeNested;

    /// <summary>
    /// The certificate's dates and why it is not trusted for <paramref name="host"/> (null when it is). With
    /// <paramref name="includeDates"/> false, an expired or not-yet-valid certificate is left for the date check.
    /// </summary>
    public static CertificateObservation? Observe(X509Certificate? certificate, X509Chain? chain, SslPolicyErrors errors, string host, bool includeDates)
    {
        if (certificate is null)
        {
            return null;
        }

        var cert = certificate as X509Certificate2 ?? new X509Certificate2(certificate);
        var problems = new List<string>();
        if (errors.HasFlag(SslPolicyErrors.RemoteCertificateNameMismatch))
        {
            problems.Add($"it is not issued for {host}");
        }

        if (errors.HasFlag(SslPolicyErrors.RemoteCertificateChainErrors))
        {
            var flags = chain?.ChainStatus.Aggregate(X509ChainStatusFlags.NoError, (all, s) => all | s.Status) ?? X509ChainStatusFlags.NoError;
            if (!includeDates)
            {
                flags &= ~TimeFlags;
            }

            if (flags != X509ChainStatusFlags.NoError)
            {
                problems.Add(Describe(flags));
            }
            else if (chain is null)
            {
                problems.Add("its chain could not be built");
            }
        }

        var notBefore = new DateTimeOffset(cert.NotBefore.ToUniversalTime(), TimeSpan.Zero);
        var notAfter = new DateTimeOffset(cert.NotAfter.ToUniversalTime(), TimeSpan.Zero);
        return new CertificateObservation(notBefore, notAfter, problems.Count == 0 ? null : string.Join("; ", problems));
    }

    private static string Describe(X509ChainStatusFlags flags)
    {
        var words = new List<string>();
        if (flags.HasFlag(X509ChainStatusFlags.UntrustedRoot) || flags.HasFlag(X509ChainStatusFlags.PartialChain))
        {
            words.Add("its issuer is not trusted (self-signed or a private CA)");
            flags &= ~(X509ChainStatusFlags.UntrustedRoot | X509ChainStatusFlags.PartialChain);
        }

        if ((flags & TimeFlags) != 0)
        {
            words.Add("it is expired or not yet valid");
            flags &= ~TimeFlags;
        }

        if (flags.HasFlag(X509ChainStatusFlags.Revoked))
        {
            words.Add("it is revoked");
            flags &= ~X509ChainStatusFlags.Revoked;
        }

        if (flags != X509ChainStatusFlags.NoError)
        {
            words.Add($"chain status {flags}");
        }

        return string.Join(", ", words);
    }
}
