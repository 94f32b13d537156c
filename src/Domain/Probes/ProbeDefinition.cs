namespace Vigil.Domain.Probes;

/// <summary>A synthetic check run on a timer (issue "Health probes"): one of http, tcp, dns, tls.</summary>
public sealed record ProbeDefinition(
    string Name,
    ProbeTarget Target,
    TimeSpan Every,
    TimeSpan Timeout,
    int FailureThreshold,
    int SuccessThreshold);

/// <summary>What a probe checks.</summary>
public abstract record ProbeTarget
{
    public abstract string Kind { get; }
}

public sealed record HttpProbeTarget(
    Uri Url,
    string Method,
    IReadOnlyDictionary<string, string> Headers,
    IReadOnlyList<string> ExpectStatus,
    string? BodyContains,
    string? BodyMatches,
    string? JsonPath,
    string? JsonEquals,
    TimeSpan? MaxLatency,
    bool FollowRedirects,
    bool TlsVerify) : ProbeTarget
{
    public override string Kind => "http";
}

public sealed record TcpProbeTarget(string Host, int Port) : ProbeTarget
{
    public override string Kind => "tcp";
}

public sealed record DnsProbeTarget(string Name, IReadOnlyList<string> Expect) : ProbeTarget
{
    public override string Kind => "dns";
}

public sealed record TlsProbeTarget(string Host, int Port, int WarnDays, int CriticalDays) : ProbeTarget
{
    public override string Kind => "tls";
}

/// <summary>A push heartbeat (a dead man's switch): unhealthy when no beat arrived for <see cref="ExpectEvery"/> + <see cref="Grace"/>.</summary>
public sealed record HeartbeatDefinition(string Name, TimeSpan ExpectEvery, TimeSpan Grace);
