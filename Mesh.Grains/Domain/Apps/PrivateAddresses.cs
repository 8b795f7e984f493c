using System.Net;
using System.Security.Cryptography;
using System.Text;

namespace Mesh.Domain.Apps;

/// <summary>
/// 6PN-style private IPv6 addresses: <c>fdaa</c> | org network (32 bits) | region host (32 bits)
/// | instance (32 bits) | 16 free bits. Org-scoped, so the org prefix alone separates orgs; the
/// region part changes when an instance is registered somewhere else, as the mirrored platform's
/// addresses change when a machine moves hosts.
/// </summary>
public static class PrivateAddresses
{
    public static IPAddress For(string org, string region, string instanceId)
    {
        var bytes = new byte[16];
        bytes[0] = 0xfd;
        bytes[1] = 0xaa;
        Hash32(org).CopyTo(bytes, 2);
        Hash32(region).CopyTo(bytes, 6);
        Hash32(instanceId).CopyTo(bytes, 10);
        bytes[15] = 2;
        return new IPAddress(bytes);
    }

    /// <summary>The org's /48-style network prefix (first 48 bits: fdaa + org id).</summary>
    public static string OrgPrefix(string org)
    {
        var bytes = new byte[16];
        bytes[0] = 0xfd;
        bytes[1] = 0xaa;
        Hash32(org).CopyTo(bytes, 2);
        return new IPAddress(bytes) + "/48";
    }

    private static byte[] Hash32(string value) => SHA256.HashData(Encoding.UTF8.GetBytes(value))[..4];
}
