using System.Net;

namespace QuantaProxy.Policy.Values;

/// <summary>
/// Cedar's <c>ipaddr</c> extension value: an address and a prefix length (32 or 128 when none was written).
/// Equality compares both as written: <c>ip("10.0.0.1/24") != ip("10.0.0.0/24")</c>, as in Cedar.
/// </summary>
public sealed class IpAddressValue : Value
{
    public IpAddressValue(UInt128 address, bool isV4, int prefix)
    {
        Address = address;
        IsV4 = isV4;
        Prefix = prefix;
    }

    /// <summary>The address bits; IPv4 addresses use the low 32 bits.</summary>
    public UInt128 Address { get; }

    public bool IsV4 { get; }

    public int Prefix { get; }

    private int Width => IsV4 ? 32 : 128;

    public override ValueKind Kind => ValueKind.IpAddress;

    /// <summary>Cedar: the address is a loopback address and the range does not reach outside the loopback block.</summary>
    public bool IsLoopback => IsV4 ? (Address >> 24) == 127 && Prefix >= 8 : Address == 1 && Prefix >= 128;

    /// <summary>Cedar: the address is a multicast address and the range does not reach outside the multicast block.</summary>
    public bool IsMulticast => IsV4 ? (Address >> 28) == 0xE && Prefix >= 4 : (Address >> 120) == 0xFF && Prefix >= 8;

    /// <summary>Whether this range lies inside <paramref name="other"/>; addresses of different families are never in range.</summary>
    public bool IsInRange(IpAddressValue other)
    {
        ArgumentNullException.ThrowIfNull(other);
        if (other.IsV4 != IsV4)
        {
            return false;
        }
        var full = IsV4 ? (UInt128)uint.MaxValue : UInt128.MaxValue;
        UInt128 HostMask(int prefix) => prefix >= Width ? UInt128.Zero : full >> prefix;
        var selfNetwork = Address & ~HostMask(Prefix) & full;
        var otherNetwork = other.Address & ~HostMask(other.Prefix) & full;
        var selfBroadcast = Address | HostMask(Prefix);
        var otherBroadcast = other.Address | HostMask(other.Prefix);
        return otherNetwork <= selfNetwork && selfBroadcast <= otherBroadcast;
    }

    public override bool Equals(Value? other) =>
        other is IpAddressValue ip && ip.IsV4 == IsV4 && ip.Address == Address && ip.Prefix == Prefix;

    public override int GetHashCode() => HashCode.Combine(Address, IsV4, Prefix);

    public override string ToString()
    {
        IPAddress addr;
        if (IsV4)
        {
            var v = (uint)Address;
            addr = new IPAddress([(byte)(v >> 24), (byte)(v >> 16), (byte)(v >> 8), (byte)v]);
        }
        else
        {
            var bytes = new byte[16];
            for (var i = 0; i < 16; i++)
            {
                bytes[i] = (byte)(Address >> (8 * (15 - i)));
            }
            addr = new IPAddress(bytes);
        }
        return $"ip(\"{addr}/{Prefix}\")";
    }
}
