using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;

namespace Mesh.Domain.Apps;

/// <summary>
/// 6PN-style private IPv6 addresses: <c>fdaa</c> | org network (32 bits) | region host (32 bits)
/// | instance (32 bits) | 16 free bits. Org-scoped, so the org prefix alone separates orgs; the
/// region part changes when an instance is registered somewhere else, as the mirrored platform's
/// addresses change when a machine moves hosts. An org's Flycast addresses (private, load-balanced
/// through the gateways) take the region part <see cref="FlycastRegionKey"/>:
/// <c>fdaa:ORG:ORG:0:1::N</c>, the shape of the mirrored platform's <c>fdaa:3:9018:0:1::7</c>.
/// </summary>
public static class PrivateAddresses
{
    private const int OrgOffset = 2;
    private const int RegionOffset = 6;
    private const int InstanceOffset = 10;

    public static IPAddress For(string org, string region, string instanceId)
    {
        var bytes = new byte[16];
        bytes[0] = 0xfd;
        bytes[1] = 0xaa;
        BinaryPrimitives.WriteUInt32BigEndian(bytes.AsSpan(OrgOffset), KeyOf(org));
        BinaryPrimitives.WriteUInt32BigEndian(bytes.AsSpan(RegionOffset), KeyOf(region));
        BinaryPrimitives.WriteUInt32BigEndian(bytes.AsSpan(InstanceOffset), KeyOf(instanceId));
        bytes[15] = 2;
        return new IPAddress(bytes);
    }

    /// <summary>The org's /48-style network prefix (first 48 bits: fdaa + org id).</summary>
    public static string OrgPrefix(string org)
    {
        var bytes = new byte[16];
        bytes[0] = 0xfd;
        bytes[1] = 0xaa;
        BinaryPrimitives.WriteUInt32BigEndian(bytes.AsSpan(OrgOffset), KeyOf(org));
        return new IPAddress(bytes) + "/48";
    }

    /// <summary>The region part of Flycast addresses; a region whose name hashed to it would share them (odds 2^-32).</summary>
    public const uint FlycastRegionKey = 1;

    /// <summary>The org's Flycast range: its prefix with the region part <see cref="FlycastRegionKey"/>, a /80.</summary>
    public static string FlycastPrefix(string org)
    {
        var bytes = new byte[16];
        bytes[0] = 0xfd;
        bytes[1] = 0xaa;
        BinaryPrimitives.WriteUInt32BigEndian(bytes.AsSpan(OrgOffset), KeyOf(org));
        BinaryPrimitives.WriteUInt32BigEndian(bytes.AsSpan(RegionOffset), FlycastRegionKey);
        return new IPAddress(bytes) + "/80";
    }

    /// <summary>Whether the address is in some org's Flycast range (no instance may be registered there).</summary>
    public static bool IsFlycast(IPAddress address) => RegionKey(address) == FlycastRegionKey;

    /// <summary>The 32 bits a name (org, region or instance id) takes in an address: the first four bytes of its SHA-256.</summary>
    public static uint KeyOf(string name)
    {
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(Encoding.UTF8.GetBytes(name), hash);
        return BinaryPrimitives.ReadUInt32BigEndian(hash);
    }

    /// <summary>Whether the address is in <c>fdaa::/16</c>, the private network.</summary>
    public static bool IsPrivate(IPAddress address) => KeyAt(address, OrgOffset) is not null;

    /// <summary>The org key of a private address (compare with <see cref="KeyOf"/>); null outside <c>fdaa::/16</c>.</summary>
    public static uint? OrgKey(IPAddress address) => KeyAt(address, OrgOffset);

    /// <summary>The region key of a private address (compare with <see cref="KeyOf"/>); null outside <c>fdaa::/16</c>.</summary>
    public static uint? RegionKey(IPAddress address) => KeyAt(address, RegionOffset);

    private static uint? KeyAt(IPAddress address, int offset)
    {
        if (address.AddressFamily != AddressFamily.InterNetworkV6) return null;
        Span<byte> bytes = stackalloc byte[16];
        if (!address.TryWriteBytes(bytes, out _) || bytes[0] != 0xfd || bytes[1] != 0xaa) return null;
        return BinaryPrimitives.ReadUInt32BigEndian(bytes[offset..]);
    }
}
