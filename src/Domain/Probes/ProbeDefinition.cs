using System.Text.RegularExpressions;
using Vigil.Domain.Probes.Addresses;
using Vigil.Domain.Probes.Checks;

namespace Vigil.Domain.Probes;

/// <summary>
/// A synthetic check run on a timer: one of http, tcp, dns, tls. <see cref="FailureThreshold"/> consecutive
/// failures make it unhealthy and <see cref="SuccessThreshold"/> consecutive successes healthy again, so a single
/// blip pages nobody. <see cref="AllowPrivate"/> and <see cref="AllowLinkLocal"/> widen the SSRF guard for this
/// probe (see <see cref="AddressPolicy"/>).
/// </summary>
public sealed record ProbeDefinition(
    string Name,
    ProbeTarget Target,
    TimeSpan Every,
    TimeSpan Timeout,
    int FailureThreshold,
    int SuccessThreshold,
    bool AllowPrivate = false,
    bool AllowLinkLocal = false)
{
    public string Kind => Target.Kind;

    /// <summary>The destinations this probe may connect to.</summary>
    public AddressPolicy Policy(bool privateDeniedByDefault) => new(AllowLinkLocal, AllowPrivate, privateDeniedByDefault);
}

/// <summary>What a probe checks.</summary>
public abstract record ProbeTarget
{
    /// <summary>http, tcp, dns or tls: the <c>type</c> label of the probe's metrics.</summary>
    public abstract string Kind { get; }

    /// <summary>What is checked, for people (the status view): no query string, no credentials, no headers.</summary>
    public abstract string Describe();
}

/// <summary>An HTTP(S) request and what its answer must look like.</summary>
public sealed record HttpProbeTarget(
    Uri Url,
    string Method,
    IReadOnlyDictionary<string, string> Headers,
    string? Body,
    StatusCodeSet ExpectStatus,
    string? BodyContains,
    Regex? BodyMatches,
    JsonCheck? Json,
    TimeSpan? MaxLatency,
    bool FollowRedirects,
    bool TlsVerify) : ProbeTarget
{
    /// <summary>The most a probe reads of a response body; checks see only this much.</summary>
    public const int MaxBodyBytes = 64 * 1024;

    /// <summary>The most redirects followed (with <see cref="FollowRedirects"/>).</summary>
    public const int MaxRedirects = 10;

    public override string Kind => "http";

    public override string Describe() => Url.GetComponents(UriComponents.SchemeAndServer | UriComponents.Path, UriFormat.UriEscaped);
}

/// <summary>A JSON-path equality check: the value at <see cref="Path"/> must equal <see cref="Expected"/>.</summary>
public sealed record JsonCheck(JsonPath Path, string Expected);

/// <summary>A TCP connect.</summary>
public sealed record TcpProbeTarget(string Host, int Port) : ProbeTarget
{
    public override string Kind => "tcp";

    public override string Describe() => HostPort.Format(Host, Port);
}

/// <summary>
/// A name resolution. With <see cref="Expect"/>, every address the name resolves to must be one of them (extra
/// addresses are a failure, missing ones are not: round-robin pools answer with subsets).
/// </summary>
public sealed record DnsProbeTarget(string Name, IReadOnlyList<IpAddressValue> Expect) : ProbeTarget
{
    public override string Kind => "dns";

    public override string Describe() => Name;
}

/// <summary>
/// A TLS handshake whose certificate is checked: fewer than <see cref="WarnDays"/> days left is degraded, fewer than
/// <see cref="CriticalDays"/> (or expired) unhealthy; with <see cref="Verify"/>, an untrusted chain or a name
/// mismatch is unhealthy too.
/// </summary>
public sealed record TlsProbeTarget(string Host, int Port, int WarnDays, int CriticalDays, bool Verify = true) : ProbeTarget
{
    public override string Kind => "tls";

    public override string Describe() => HostPort.Format(Host, Port);
}

/// <summary>A push heartbeat (a dead man's switch): unhealthy when no beat arrived for <see cref="ExpectEvery"/> + <see cref="Grace"/>.</summary>
public sealed record HeartbeatDefinition(string Name, TimeSpan ExpectEvery, TimeSpan Grace)
{
    /// <summary>How long after a beat the next one must have arrived.</summary>
    public TimeSpan Deadline => ExpectEvery + Grace;
}

internal static class HostPort
{
    public static string Format(string host, int port) =>
        (host.Contains(':', StringComparison.Ordinal) ? "[" + host + "]" : host) + ":" + port.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
