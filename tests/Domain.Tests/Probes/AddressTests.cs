using Vigil.Domain.Probes.Addresses;

namespace Vigil.Domain.Tests.Probes;

public sealed class AddressTests
{
    [Theory]
    [InlineData("127.0.0.1", "127.0.0.1")]
    [InlineData("203.0.113.10", "203.0.113.10")]
    [InlineData("::1", "::1")]
    [InlineData("::", "::")]
    [InlineData("2001:DB8:0:0:0:0:0:10", "2001:db8::10")]
    [InlineData("2001:db8:0:1:0:0:0:1", "2001:db8:0:1::1")]
    [InlineData("2001:0:0:1:0:0:0:1", "2001:0:0:1::1")]
    [InlineData("fe80::1", "fe80::1")]
    [InlineData("[fd00:ec2::254]", "fd00:ec2::254")]
    [InlineData("::ffff:169.254.169.254", "::ffff:a9fe:a9fe")]
    [InlineData("1:2:3:4:5:6:7:8", "1:2:3:4:5:6:7:8")]
    [InlineData("1::", "1::")]
    [InlineData("0:0:1:0:0:0:0:0", "0:0:1::")]
    public void TryParse_ValidAddress_PrintsCanonically(string text, string canonical)
    {
        Assert.True(IpAddressValue.TryParse(text, out var address));
        Assert.Equal(canonical, address.ToString());
    }

    [Theory]
    [InlineData("")]
    [InlineData("256.1.1.1")]
    [InlineData("010.0.0.1")]
    [InlineData("1.2.3")]
    [InlineData("1.2.3.4.5")]
    [InlineData("1.2.3.-4")]
    [InlineData("1:::2")]
    [InlineData("1::2::3")]
    [InlineData("1:2:3:4:5:6:7:8:9")]
    [InlineData("1:2:3:4:5:6:7")]
    [InlineData("12345::")]
    [InlineData("fe80::1%eth0")]
    [InlineData("g::1")]
    [InlineData("localhost")]
    [InlineData("1:2:3:4:5:6:7::8")]
    public void TryParse_NotAnAddress_IsRejected(string text) => Assert.False(IpAddressValue.TryParse(text, out _));

    [Fact]
    public void Equals_MappedAndPlainIPv4_AreTheSameAddress()
    {
        Assert.True(IpAddressValue.TryParse("::ffff:10.0.0.1", out var mapped));
        Assert.True(IpAddressValue.TryParse("10.0.0.1", out var plain));

        Assert.Equal(plain, mapped);
        Assert.Equal(plain.GetHashCode(), mapped.GetHashCode());
    }

    [Theory]
    [InlineData("8.8.8.8", AddressKind.Public)]
    [InlineData("2606:4700::1111", AddressKind.Public)]
    [InlineData("127.0.0.1", AddressKind.Loopback)]
    [InlineData("127.8.9.10", AddressKind.Loopback)]
    [InlineData("::1", AddressKind.Loopback)]
    [InlineData("10.1.2.3", AddressKind.Private)]
    [InlineData("172.16.0.1", AddressKind.Private)]
    [InlineData("172.31.255.255", AddressKind.Private)]
    [InlineData("172.32.0.1", AddressKind.Public)]
    [InlineData("192.168.1.1", AddressKind.Private)]
    [InlineData("100.64.0.1", AddressKind.Private)]
    [InlineData("100.128.0.1", AddressKind.Public)]
    [InlineData("fd12:3456::1", AddressKind.Private)]
    [InlineData("169.254.1.1", AddressKind.LinkLocal)]
    [InlineData("fe80::1", AddressKind.LinkLocal)]
    [InlineData("febf::1", AddressKind.LinkLocal)]
    [InlineData("169.254.169.254", AddressKind.Metadata)]
    [InlineData("fd00:ec2::254", AddressKind.Metadata)]
    [InlineData("100.100.100.200", AddressKind.Metadata)]
    [InlineData("168.63.129.16", AddressKind.Metadata)]
    [InlineData("::ffff:169.254.169.254", AddressKind.Metadata)]
    [InlineData("64:ff9b::169.254.169.254", AddressKind.Metadata)]
    [InlineData("::169.254.169.254", AddressKind.Metadata)]
    [InlineData("2002:a9fe:a9fe::1", AddressKind.Metadata)]
    [InlineData("2002:0a00:0001::1", AddressKind.Private)]
    [InlineData("0.0.0.0", AddressKind.Unusable)]
    [InlineData("::", AddressKind.Unusable)]
    [InlineData("224.0.0.1", AddressKind.Unusable)]
    [InlineData("255.255.255.255", AddressKind.Unusable)]
    [InlineData("ff02::1", AddressKind.Unusable)]
    public void Classify_KnownRanges(string text, AddressKind expected)
    {
        Assert.True(IpAddressValue.TryParse(text, out var address));
        Assert.Equal(expected, AddressClassifier.Classify(address));
    }

    [Theory]
    [InlineData("127.0.0.1", false, false, false, true)]
    [InlineData("10.0.0.1", false, false, false, true)]
    [InlineData("10.0.0.1", false, false, true, false)]
    [InlineData("10.0.0.1", false, true, true, true)]
    [InlineData("169.254.169.254", false, false, false, false)]
    [InlineData("169.254.169.254", false, true, false, false)]
    [InlineData("169.254.169.254", true, false, false, true)]
    [InlineData("fe80::1", true, false, true, true)]
    [InlineData("0.0.0.0", true, true, false, false)]
    [InlineData("8.8.8.8", false, false, true, true)]
    public void Refusal_PolicyAndAddress_AllowsOrRefuses(string text, bool allowLinkLocal, bool allowPrivate, bool privateDenied, bool allowed)
    {
        Assert.True(IpAddressValue.TryParse(text, out var address));
        var refusal = new AddressPolicy(allowLinkLocal, allowPrivate, privateDenied).Refusal(address);

        Assert.Equal(allowed, refusal is null);
    }

    [Fact]
    public void Refusal_Metadata_SaysHowToAllowIt()
    {
        Assert.True(IpAddressValue.TryParse("169.254.169.254", out var address));

        Assert.Equal("169.254.169.254 is a cloud metadata address, refused unless the probe sets allowLinkLocal: true", AddressPolicy.Default.Refusal(address));
    }
}
