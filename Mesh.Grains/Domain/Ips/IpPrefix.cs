using System.Net;
using System.Net.Sockets;

namespace Mesh.Domain.Ips;

/// <summary>
/// A CIDR prefix addressed by offset. For IPv4 prefixes wider than /31 the network and broadcast
/// addresses are skipped (RFC 3021 lets /31 and /32 use every address); for IPv6 the
/// subnet-router anycast address (offset 0, RFC 4291 §2.6.1) is skipped.
/// </summary>
public sealed class IpPrefix
{
    private readonly UInt128 _base;
    private readonly long _first;

    private IpPrefix(IPNetwork network, UInt128 @base, long first, long size)
    {
        Network = network;
        _base = @base;
        _first = first;
        Size = size;
    }

    public IPNetwork Network { get; }

    /// <summary>How many addresses can be handed out (capped at <see cref="long.MaxValue"/>).</summary>
    public long Size { get; }

    public static IpPrefix Parse(string cidr, string key)
    {
        if (!IPNetwork.TryParse(cidr, out var network))
        {
            throw new MeshException("config_invalid", $"{key}: '{cidr}' is not a CIDR prefix such as 10.0.0.0/24");
        }
        var bits = network.BaseAddress.AddressFamily == AddressFamily.InterNetwork ? 32 : 128;
        var hostBits = bits - network.PrefixLength;
        var total = hostBits >= 63 ? long.MaxValue : 1L << hostBits;
        long first, size;
        if (bits == 32)
        {
            var skip = network.PrefixLength < 31;
            first = skip ? 1 : 0;
            size = skip ? total - 2 : total;
        }
        else
        {
            first = 1;
            size = total == long.MaxValue ? long.MaxValue : total - 1;
        }
        return new IpPrefix(network, ToNumber(network.BaseAddress), first, size);
    }

    /// <summary>The address at index <paramref name="index"/> (0 ≤ index &lt; <see cref="Size"/>).</summary>
    public IPAddress At(long index)
    {
        var value = _base + (UInt128)(ulong)(index + _first);
        return FromNumber(value, Network.BaseAddress.AddressFamily);
    }

    private static UInt128 ToNumber(IPAddress address)
    {
        var bytes = address.GetAddressBytes();
        UInt128 value = 0;
        foreach (var b in bytes)
        {
            value = (value << 8) | b;
        }
        return value;
    }

    private static IPAddress FromNumber(UInt128 value, AddressFamily family)
    {
        var length = family == AddressFamily.InterNetwork ? 4 : 16;
        var bytes = new byte[length];
        for (var i = length - 1; i >= 0; i--)
        {
            bytes[i] = (byte)(value & 0xFF);
            value >>= 8;
        }
        return new IPAddress(bytes);
    }
}
