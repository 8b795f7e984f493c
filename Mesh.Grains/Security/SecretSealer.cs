using System.Security.Cryptography;
using System.Text;
using Mesh.Domain;

namespace Mesh.Security;

/// <summary>
/// Seals secrets kept in grain state (certificate private keys) with the cluster data key:
/// AES-256-GCM, <c>sealed:v1:&lt;key-id&gt;:&lt;base64(nonce|ciphertext|tag)&gt;</c>. The key id is
/// authenticated with the ciphertext, and names the key of <see cref="DataKeyRing"/> that unseals it.
/// </summary>
public sealed class SecretSealer(DataKeyRing keys)
{
    public const string Prefix = "sealed:v1:";

    private const int NonceSize = 12;
    private const int TagSize = 16;

    public DataKeyRing Keys { get; } = keys;

    public static bool IsSealed(string value) => value.StartsWith(Prefix, StringComparison.Ordinal);

    public string Seal(string secret)
    {
        var id = Keys.CurrentId;
        var plain = Encoding.UTF8.GetBytes(secret);
        var sealedBytes = new byte[NonceSize + plain.Length + TagSize];
        var nonce = sealedBytes.AsSpan(0, NonceSize);
        RandomNumberGenerator.Fill(nonce);
        using var aes = new AesGcm(Keys.CurrentKey, TagSize);
        aes.Encrypt(nonce, plain, sealedBytes.AsSpan(NonceSize, plain.Length), sealedBytes.AsSpan(NonceSize + plain.Length), Header(id));
        CryptographicOperations.ZeroMemory(plain);
        return $"{Prefix}{id}:{Convert.ToBase64String(sealedBytes)}";
    }

    /// <summary>The secret; a value that does not unseal throws <c>secret_unseal_failed</c> (the message names no secret).</summary>
    public string Unseal(string value)
    {
        if (!IsSealed(value)) throw Failed("it is not a sealed value");
        var rest = value.AsSpan(Prefix.Length);
        var colon = rest.IndexOf(':');
        if (colon <= 0) throw Failed("it names no data key");
        var id = rest[..colon].ToString();
        if (!Keys.TryGet(id, out var key)) throw Failed($"it was sealed with data key '{id}', which data.key does not hold");
        byte[] sealedBytes;
        try
        {
            sealedBytes = Convert.FromBase64String(rest[(colon + 1)..].ToString());
        }
        catch (FormatException)
        {
            throw Failed("it is not base64");
        }
        if (sealedBytes.Length < NonceSize + TagSize) throw Failed("it is truncated");
        var length = sealedBytes.Length - NonceSize - TagSize;
        var plain = new byte[length];
        try
        {
            using var aes = new AesGcm(key, TagSize);
            aes.Decrypt(sealedBytes.AsSpan(0, NonceSize), sealedBytes.AsSpan(NonceSize, length), sealedBytes.AsSpan(NonceSize + length), plain, Header(id));
        }
        catch (CryptographicException)
        {
            throw Failed($"it does not verify under data key '{id}' (altered, or sealed by another cluster)");
        }
        return Encoding.UTF8.GetString(plain);
    }

    private static byte[] Header(string id) => Encoding.ASCII.GetBytes(Prefix + id);

    private static MeshException Failed(string why) => new("secret_unseal_failed", $"a sealed secret cannot be unsealed: {why}");
}
