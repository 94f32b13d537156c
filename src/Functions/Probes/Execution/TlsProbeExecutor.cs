using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using Vigil.Domain.Probes;
using Vigil.Domain.Probes.Checks;
using Vigil.Domain.Probes.Results;
using Vigil.Functions.Probes.Network;

namespace Vigil.Functions.Probes.Execution;

/// <summary>
/// Connects through the guard, completes a TLS handshake (SNI = host) accepting any certificate so it can be
/// judged, and checks it (<see cref="CertificateCheck"/>): days left, dates, and trust when <c>verify</c> is on.
/// </summary>
public sealed class TlsProbeExecutor : IProbeExecutor
{
    private readonly GuardedConnector _connector;

    public TlsProbeExecutor(GuardedConnector connector) => _connector = connector;

    public string Kind => "tls";

    public async Task<ProbeResult> RunAsync(ProbeRun run, CancellationToken cancellationToken)
    {
        var target = (TlsProbeTarget)run.Probe.Target;
        CertificateObservation? certificate = null;
        try
        {
            var socket = await _connector.ConnectAsync(target.Host, target.Port, run.Policy, cancellationToken);
            await using var stream = new NetworkStream(socket, ownsSocket: true);
            await using var tls = new SslStream(stream, leaveInnerStreamOpen: false);
            var options = new SslClientAuthenticationOptions
            {
                TargetHost = target.Host,
                RemoteCertificateValidationCallback = (_, cert, chain, errors) =>
                {
                    // Nothing is sent on this connection: the handshake only shows the certificate, judged below
                    // (dates, and trust when verify is on), so any certificate is let through to be judged.
                    certificate = CertificateInspection.Observe(cert, chain, errors, target.Host, includeDates: false);
                    return certificate is not null;
                },
            };
            await tls.AuthenticateAsClientAsync(options, cancellationToken);
        }
        catch (ProbeNetworkException ex)
        {
            return run.Failed(ex.Message);
        }
        catch (Exception ex) when (ex is AuthenticationException or IOException)
        {
            return run.Failed($"TLS handshake with {target.Describe()} failed: {ex.Message}");
        }

        if (certificate is null)
        {
            return run.Failed($"{target.Describe()} sent no certificate");
        }

        var now = run.Now;
        return run.Result(CertificateCheck.Judge(target, certificate, now), certDaysLeft: CertificateCheck.DaysLeft(certificate, now));
    }
}
