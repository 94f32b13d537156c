using Vigil.Domain.Probes;
using Vigil.Domain.Probes.Addresses;
using Vigil.Domain.Probes.Results;

namespace Vigil.Functions.Probes.Execution;

/// <summary>One run of one probe: what it may connect to, when it started, and how to read app settings it names.</summary>
public sealed class ProbeRun
{
    private readonly TimeProvider _time;
    private readonly long _startTimestamp;

    public ProbeRun(ProbeDefinition probe, AddressPolicy policy, TimeProvider time, Func<string, string?> setting)
    {
        Probe = probe;
        Policy = policy;
        Setting = setting;
        _time = time;
        StartedAt = time.GetUtcNow();
        _startTimestamp = time.GetTimestamp();
    }

    public ProbeDefinition Probe { get; }

    public AddressPolicy Policy { get; }

    /// <summary>Reads an app setting (for <c>%NAME%</c> references in headers and bodies).</summary>
    public Func<string, string?> Setting { get; }

    public DateTimeOffset StartedAt { get; }

    public TimeSpan Elapsed => _time.GetElapsedTime(_startTimestamp);

    public DateTimeOffset Now => _time.GetUtcNow();

    public ProbeResult Result(CheckVerdict verdict, int? httpStatus = null, double? certDaysLeft = null) =>
        ProbeResult.From(StartedAt, Elapsed, verdict, httpStatus, certDaysLeft);

    public ProbeResult Failed(string error, int? httpStatus = null, double? certDaysLeft = null) =>
        ProbeResult.Failed(StartedAt, Elapsed, error, httpStatus, certDaysLeft);
}

/// <summary>Runs one kind of probe. Network problems become failed results; only cancellation propagates.</summary>
public interface IProbeExecutor
{
    /// <summary>http, tcp, dns or tls.</summary>
    string Kind { get; }

    Task<ProbeResult> RunAsync(ProbeRun run, CancellationToken cancellationToken);
}
