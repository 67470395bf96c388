using System.Net;
using System.Net.Sockets;

namespace QuantaProxy.Gateway.Okta.Transport;

/// <summary>
/// Whether an address is an ordinary public unicast address the gateway may connect to: everything in IANA's IPv4 and
/// IPv6 Special-Purpose Address Registries (RFC 6890 and its updates) is refused, as are the IPv6 forms that embed an
/// IPv4 address (mapped, compatible, NAT64, 6to4, Teredo), since those reach whatever IPv4 address they carry.
/// </summary>
public static class SpecialPurposeAddresses
{
    private static readonly (IPAddress Network, int Prefix)[] IPv4 =
    [
        (IPAddress.Parse("0.0.0.0"), 8),         // "this network"
        (IPAddress.Parse("10.0.0.0"), 8),        // private
        (IPAddress.Parse("100.64.0.0"), 10),     // shared address space (CGNAT)
        (IPAddress.Parse("127.0.0.0"), 8),       // loopback
        (IPAddress.Parse("169.254.0.0"), 16),    // link local (cloud metadata lives here)
        (IPAddress.Parse("172.16.0.0"), 12),     // private
        (IPAddress.Parse("192.0.0.0"), 24),      // IETF protocol assignments
        (IPAddress.Parse("192.0.2.0"), 24),      // documentation (TEST-NET-1)
        (IPAddress.Parse("192.31.196.0"), 24),   // AS112-v4
        (IPAddress.Parse("192.52.193.0"), 24),   // AMT
        (IPAddress.Parse("192.88.99.0"), 24),    // deprecated 6to4 relay anycast
        (IPAddress.Parse("192.168.0.0"), 16),    // private
        (IPAddress.Parse("192.175.48.0"), 24),   // direct delegation AS112
        (IPAddress.Parse("198.18.0.0"), 15),     // benchmarking
        (IPAddress.Parse("198.51.100.0"), 24),   // documentation (TEST-NET-2)
        (IPAddress.Parse("203.0.113.0"), 24),    // documentation (TEST-NET-3)
        (IPAddress.Parse("224.0.0.0"), 4),       // multicast
        (IPAddress.Parse("240.0.0.0"), 4),       // reserved, and 255.255.255.255 broadcast
    ];

    private static readonly (IPAddress Network, int Prefix)[] IPv6 =
    [
        (IPAddress.Parse("::"), 96),             // unspecified, loopback and IPv4-compatible (::a.b.c.d)
        (IPAddress.Parse("::ffff:0:0"), 96),     // IPv4-mapped
        (IPAddress.Parse("64:ff9b::"), 96),      // NAT64 well-known prefix
        (IPAddress.Parse("64:ff9b:1::"), 48),    // local-use NAT64
        (IPAddress.Parse("100::"), 64),          // discard-only
        (IPAddress.Parse("2001::"), 23),         // IETF protocol assignments (Teredo 2001::/32, benchmarking, ORCHID)
        (IPAddress.Parse("2001:db8::"), 32),     // documentation
        (IPAddress.Parse("2002::"), 16),         // 6to4
        (IPAddress.Parse("3fff::"), 20),         // documentation
        (IPAddress.Parse("5f00::"), 16),         // segment routing SIDs
        (IPAddress.Parse("fc00::"), 7),          // unique local
        (IPAddress.Parse("fe80::"), 10),         // link local
        (IPAddress.Parse("fec0::"), 10),         // site local (deprecated)
        (IPAddress.Parse("ff00::"), 8),          // multicast
    ];

    public static bool IsPublic(IPAddress address)
    {
        var table = address.AddressFamily switch
        {
            AddressFamily.InterNetwork => IPv4,
            AddressFamily.InterNetworkV6 => IPv6,
            _ => null,
        };
        if (table is null) return false;
        Span<byte> bytes = stackalloc byte[16];
        if (!address.TryWriteBytes(bytes, out var length)) return false;
        foreach (var (network, prefix) in table)
            if (InPrefix(bytes[..length], network, prefix)) return false;
        return true;
    }

    private static bool InPrefix(ReadOnlySpan<byte> address, IPAddress network, int prefix)
    {
        Span<byte> net = stackalloc byte[16];
        network.TryWriteBytes(net, out var length);
        if (length != address.Length) return false;
        var whole = prefix / 8;
        if (!address[..whole].SequenceEqual(net[..whole])) return false;
        var rest = prefix % 8;
        if (rest == 0) return true;
        var mask = (byte)(0xFF << (8 - rest));
        return (address[whole] & mask) == (net[whole] & mask);
    }
}
