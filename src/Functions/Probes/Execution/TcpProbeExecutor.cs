using Vigil.Domain.Probes;
using Vigil.Domain.Probes.Results;
using Vigil.Functions.Probes.Network;

namespace Vigil.Functions.Probes.Execution;

/// <summary>A TCP connect through the guard: healthy when the connection is established.</summary>
public sealed class TcpProbeExecutor : IProbeExecutor
{
    private readonly GuardedConnector _connector;

    public TcpProbeExecutor(GuardedConnector connector) => _connector = connector;

    public string Kind => "tcp";

    public async Task<ProbeResult> RunAsync(ProbeRun run, CancellationToken cancellationToken)
    {
        var target = (TcpProbeTarget)run.Probe.Target;
        try
        {
            using var socket = await _connector.ConnectAsync(target.Host, target.Port, run.Policy, cancellationToken);
            return run.Result(CheckVerdict.Healthy);
        }
        catch (ProbeNetworkException ex)
        {
            return run.Failed(ex.Message);
        }
    }
}
