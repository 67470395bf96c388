using System.Net;
using QuantaProxy.Gateway.Okta.Transport;

namespace QuantaProxy.Gateway.Tests.Okta.Transport;

/// <summary>One case per row of IANA's special-purpose registries (first and last address of each), plus public neighbours.</summary>
public sealed class SpecialPurposeAddressesTests
{
    [TestCase("0.0.0.0"), TestCase("0.255.255.255"), TestCase("10.0.0.1"), TestCase("10.255.255.255"), TestCase("100.64.0.0"), TestCase("100.127.255.255")]
    [TestCase("127.0.0.1"), TestCase("169.254.169.254"), TestCase("172.16.0.1"), TestCase("172.31.255.255"), TestCase("192.0.0.8"), TestCase("192.0.0.170")]
    [TestCase("192.0.2.1"), TestCase("192.31.196.1"), TestCase("192.52.193.1"), TestCase("192.88.99.1"), TestCase("192.168.1.1"), TestCase("192.175.48.1")]
    [TestCase("198.18.0.0"), TestCase("198.19.255.255"), TestCase("198.51.100.7"), TestCase("203.0.113.9"), TestCase("224.0.0.1"), TestCase("239.255.255.255")]
    [TestCase("240.0.0.1"), TestCase("255.255.255.255")]
    [TestCase("::"), TestCase("::1"), TestCase("::10.0.0.1"), TestCase("::8.8.8.8"), TestCase("::ffff:127.0.0.1"), TestCase("::ffff:8.8.8.8")]
    [TestCase("64:ff9b::7f00:1"), TestCase("64:ff9b::a9fe:a9fe"), TestCase("64:ff9b:1::1"), TestCase("100::1"), TestCase("2001::1"), TestCase("2001:1ff:ffff::1")]
    [TestCase("2001:db8::1"), TestCase("2002:7f00:1::1"), TestCase("2002:a9fe:a9fe::1"), TestCase("3fff::1"), TestCase("5f00::1"), TestCase("fc00::1")]
    [TestCase("fdff:ffff::1"), TestCase("fe80::1"), TestCase("febf::1"), TestCase("fec0::1"), TestCase("ff02::1")]
    public void Special_purpose_addresses_are_refused(string address) =>
        Assert.That(SpecialPurposeAddresses.IsPublic(IPAddress.Parse(address)), Is.False, address);

    [TestCase("8.8.8.8"), TestCase("1.1.1.1"), TestCase("100.63.255.255"), TestCase("100.128.0.0"), TestCase("172.15.255.255"), TestCase("172.32.0.0")]
    [TestCase("198.17.255.255"), TestCase("198.20.0.0"), TestCase("223.255.255.255"), TestCase("192.0.1.1")]
    [TestCase("2606:4700::1111"), TestCase("2001:4860:4860::8888"), TestCase("2a00:1450::1"), TestCase("2003::1")]
    public void Public_addresses_are_allowed(string address) =>
        Assert.That(SpecialPurposeAddresses.IsPublic(IPAddress.Parse(address)), Is.True, address);
}
