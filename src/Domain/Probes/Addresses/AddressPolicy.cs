namespace Vigil.Domain.Probes.Addresses;

/// <summary>What kind of destination an address is, for the probes' SSRF guard.</summary>
public enum AddressKind
{
    /// <summary>A public unicast address.</summary>
    Public,

    /// <summary>Loopback: 127.0.0.0/8, ::1.</summary>
    Loopback,

    /// <summary>Private networks: 10/8, 172.16/12, 192.168/16, 100.64/10 (shared/CGNAT), fc00::/7, fec0::/10.</summary>
    Private,

    /// <summary>Link-local: 169.254.0.0/16, fe80::/10 (where cloud metadata services live).</summary>
    LinkLocal,

    /// <summary>
    /// A cloud metadata or platform endpoint: 169.254.169.254 and fd00:ec2::254 (AWS, Azure IMDS, GCP),
    /// 100.100.100.200 (Alibaba), 168.63.129.16 (Azure WireServer).
    /// </summary>
    Metadata,

    /// <summary>Not a destination at all: unspecified (0.0.0.0/8, ::), multicast, broadcast, 240.0.0.0/4.</summary>
    Unusable,
}

/// <summary>
/// Classifies addresses (IPv4-mapped, IPv4-compatible, NAT64 64:ff9b::/96 and 6to4 2002::/16 addresses are
/// judged by the IPv4 address they carry, so a metadata address cannot hide in an IPv6 form).
/// </summary>
public static class AddressClassifier
{
    public static AddressKind Classify(IpAddressValue address)
    {
        var b = address.Unmapped().Bytes;
        return b.Length == 4 ? ClassifyV4(b) : ClassifyV6(b);
    }

    public static string Describe(AddressKind kind) => kind switch
    {
        AddressKind.Loopback => "a loopback address",
        AddressKind.Private => "a private address",
        AddressKind.LinkLocal => "a link-local address",
        AddressKind.Metadata => "a cloud metadata address",
        AddressKind.Unusable => "not a unicast destination",
        _ => "a public address",
    };

    private static AddressKind ClassifyV4(ReadOnlySpan<byte> b)
    {
        if (b[0] == 169 && b[1] == 254)
        {
            return b[2] == 169 && b[3] == 254 ? AddressKind.Metadata : AddressKind.LinkLocal;
        }

        if ((b[0] == 100 && b[1] == 100 && b[2] == 100 && b[3] == 200) || (b[0] == 168 && b[1] == 63 && b[2] == 129 && b[3] == 16))
        {
            return AddressKind.Metadata;
        }

        if (b[0] == 0 || b[0] >= 224)
        {
            return AddressKind.Unusable; // this network, multicast, reserved and broadcast
        }

        if (b[0] == 127)
        {
            return AddressKind.Loopback;
        }

        if (b[0] == 10 || (b[0] == 172 && (b[1] & 0xf0) == 16) || (b[0] == 192 && b[1] == 168) || (b[0] == 100 && (b[1] & 0xc0) == 64))
        {
            return AddressKind.Private;
        }

        return AddressKind.Public;
    }

    private static AddressKind ClassifyV6(ReadOnlySpan<byte> b)
    {
        var firstNonZero = b.IndexOfAnyExcept((byte)0);
        if (firstNonZero < 0)
        {
            return AddressKind.Unusable; // ::
        }

        if (firstNonZero == 15 && b[15] == 1)
        {
            return AddressKind.Loopback; // ::1
        }

        if (firstNonZero >= 12)
        {
            return ClassifyV4(b[12..]); // ::a.b.c.d (IPv4-compatible, deprecated but still routable by some stacks)
        }

        if (b[0] == 0x00 && b[1] == 0x64 && b[2] == 0xff && b[3] == 0x9b && b[4..12].IndexOfAnyExcept((byte)0) < 0)
        {
            return ClassifyV4(b[12..]); // 64:ff9b::/96 NAT64
        }

        if (b[0] == 0x20 && b[1] == 0x02)
        {
            return ClassifyV4(b[2..6]); // 2002::/16 6to4 carries an IPv4 address
        }

        if (b[0] == 0xff)
        {
            return AddressKind.Unusable; // multicast
        }

        if (b[0] == 0xfe && (b[1] & 0xc0) == 0x80)
        {
            return AddressKind.LinkLocal; // fe80::/10
        }

        if (b[0] == 0xfd && b[1] == 0x00 && b[2] == 0x0e && b[3] == 0xc2 && b[4..14].IndexOfAnyExcept((byte)0) < 0 && b[14] == 0x02 && b[15] == 0x54)
        {
            return AddressKind.Metadata; // fd00:ec2::254
        }

        if ((b[0] & 0xfe) == 0xfc || (b[0] == 0xfe && (b[1] & 0xc0) == 0xc0))
        {
            return AddressKind.Private; // fc00::/7 unique local, fec0::/10 site-local
        }

        return AddressKind.Public;
    }
}

/// <summary>
/// Which destinations a probe may connect to (the SSRF guard). Public addresses always; loopback and private ones
/// by default (monitoring internal services is the main use, as in Uptime Kuma and Gatus), unless the app denies
/// them (<c>VIGIL_PROBE_PRIVATE_TARGETS=deny</c>) and the probe does not say <c>allowPrivate: true</c>; link-local
/// and cloud metadata addresses only with <c>allowLinkLocal: true</c>; unspecified, multicast and broadcast never.
/// </summary>
public sealed record AddressPolicy(bool AllowLinkLocal, bool AllowPrivate, bool PrivateDeniedByDefault)
{
    public static readonly AddressPolicy Default = new(false, false, false);

    /// <summary>Null when <paramref name="address"/> may be connected to; else why not, with what would allow it.</summary>
    public string? Refusal(IpAddressValue address)
    {
        var kind = AddressClassifier.Classify(address);
        return kind switch
        {
            AddressKind.Unusable => $"{address} is {AddressClassifier.Describe(kind)}",
            AddressKind.LinkLocal or AddressKind.Metadata when !AllowLinkLocal =>
                $"{address} is {AddressClassifier.Describe(kind)}, refused unless the probe sets allowLinkLocal: true",
            AddressKind.Loopback or AddressKind.Private when PrivateDeniedByDefault && !AllowPrivate =>
                $"{address} is {AddressClassifier.Describe(kind)}, refused on this Vigil (VIGIL_PROBE_PRIVATE_TARGETS=deny) unless the probe sets allowPrivate: true",
            _ => null,
        };
    }
}
