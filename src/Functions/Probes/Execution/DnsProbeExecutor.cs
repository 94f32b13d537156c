using Vigil.Domain.Probes;
using Vigil.Domain.Probes.Addresses;
using Vigil.Domain.Probes.Checks;
using Vigil.Domain.Probes.Results;
using Vigil.Functions.Probes.Network;

namespace Vigil.Functions.Probes.Execution;

/// <summary>Resolves a name and checks the answer (<see cref="DnsCheck"/>). No connection is made.</summary>
public sealed class DnsProbeExecutor : IProbeExecutor
{
    private readonly GuardedConnector _connector;

    public DnsProbeExecutor(GuardedConnector connector) => _connector = connector;

    public string Kind => "dns";

    public async Task<ProbeResult> RunAsync(ProbeRun run, CancellationToken cancellationToken)
    {
        var target = (DnsProbeTarget)run.Probe.Target;
        try
        {
            var addresses = await _connector.ResolveAsync(target.Name, cancellationToken);
            return run.Result(DnsCheck.Judge(target, [.. addresses.Select(a => IpAddressValue.FromBytes(a.GetAddressBytes()))]));
        }
        catch (ProbeNetworkException ex)
        {
            return run.Failed(ex.Message);
        }
    }
}
