using Vigil.Domain.Probes.Addresses;
using Vigil.Domain.Probes.Results;

namespace Vigil.Domain.Probes.Checks;

/// <summary>Judges a resolution: at least one address, and with <c>expect</c> none outside the expected ones.</summary>
public static class DnsCheck
{
    public static CheckVerdict Judge(DnsProbeTarget target, IReadOnlyList<IpAddressValue> resolved)
    {
        if (resolved.Count == 0)
        {
            return CheckVerdict.Unhealthy($"{target.Name} resolves to no address");
        }

        if (target.Expect.Count == 0)
        {
            return CheckVerdict.Healthy;
        }

        var unexpected = resolved.Where(a => !target.Expect.Contains(a)).Distinct().ToList();
        return unexpected.Count == 0
            ? CheckVerdict.Healthy
            : CheckVerdict.Unhealthy($"{target.Name} resolves to {string.Join(", ", unexpected)}, not in expect [{string.Join(", ", target.Expect)}]");
    }
}
