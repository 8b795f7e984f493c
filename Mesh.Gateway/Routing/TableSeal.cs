using System.Security.Cryptography;

namespace Mesh.Gateway.Routing;

/// <summary>
/// AES-256-GCM for the table kept on disk (it carries every app's TLS private keys):
/// <c>"MTS1" | nonce(12) | tag(16) | ciphertext</c>, the header authenticated with it. Pure.
/// </summary>
public static class TableSeal
{
    public const int KeySize = 32;

    private static readonly byte[] Magic = "MTS1"u8.ToArray();
    private const int NonceSize = 12;
    private const int TagSize = 16;
    private const int HeaderSize = 4 + NonceSize + TagSize;

    public static byte[] Seal(ReadOnlySpan<byte> plain, byte[] key)
    {
        var sealedBytes = new byte[HeaderSize + plain.Length];
        Magic.CopyTo(sealedBytes, 0);
        var nonce = sealedBytes.AsSpan(4, NonceSize);
        RandomNumberGenerator.Fill(nonce);
        using var aes = new AesGcm(key, TagSize);
        aes.Encrypt(nonce, plain, sealedBytes.AsSpan(HeaderSize), sealedBytes.AsSpan(4 + NonceSize, TagSize), Magic);
        return sealedBytes;
    }

    /// <summary>The plaintext, or null when the bytes are not a table sealed with this key (altered, truncated, another key).</summary>
    public static byte[]? Unseal(ReadOnlySpan<byte> sealedBytes, byte[] key)
    {
        if (sealedBytes.Length < HeaderSize || !sealedBytes[..4].SequenceEqual(Magic))
        {
            return null;
        }
        var plain = new byte[sealedBytes.Length - HeaderSize];
        try
        {
            using var aes = new AesGcm(key, TagSize);
            aes.Decrypt(sealedBytes.Slice(4, NonceSize), sealedBytes[HeaderSize..], sealedBytes.Slice(4 + NonceSize, TagSize), plain, Magic);
            return plain;
        }
        catch (CryptographicException)
        {
            return null;
        }
    }
}
