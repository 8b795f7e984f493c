using System.Security.Cryptography;
using System.Text;

namespace Mesh.Acme;

/// <summary>The key authorization of a challenge (RFC 8555 §8.1): the token and the account key's thumbprint.</summary>
internal static class AcmeKeyAuthorization
{
    public static string For(string token, string thumbprint) => $"{token}.{thumbprint}";

    /// <summary>SHA-256 of the key authorization: what the tls-alpn-01 certificate carries (RFC 8737 §3).</summary>
    public static byte[] Digest(string keyAuthorization) => SHA256.HashData(Encoding.UTF8.GetBytes(keyAuthorization));
}
