using System.Security.Cryptography;
using System.Text;

namespace Mesh.Tests.Infrastructure;

/// <summary>
/// What of a private key must never be found at rest: its PEM text, any line of its base64 body,
/// the DER (PKCS#8) bytes and the EC private scalar, as bytes and as base64.
/// </summary>
internal sealed class KeyMaterial
{
    private readonly List<byte[]> _needles = [];

    public KeyMaterial(string keyPem)
    {
        var body = keyPem.Split('\n').Where(l => l.Length > 0 && !l.StartsWith("-----", StringComparison.Ordinal)).ToArray();
        var der = Convert.FromBase64String(string.Concat(body));
        using var key = ECDsa.Create();
        key.ImportFromPem(keyPem);
        var d = key.ExportParameters(true).D!;
        _needles.Add(Encoding.UTF8.GetBytes(keyPem.Trim()));
        _needles.AddRange(body.Where(l => l.Length >= 32).Select(l => Encoding.ASCII.GetBytes(l)));
        _needles.Add(Encoding.ASCII.GetBytes(string.Concat(body)));
        _needles.Add(der);
        _needles.Add(d);
        _needles.Add(Encoding.ASCII.GetBytes(Convert.ToBase64String(d)));
    }

    public bool FoundIn(ReadOnlySpan<byte> data)
    {
        foreach (var needle in _needles)
        {
            if (data.IndexOf(needle) >= 0) return true;
        }
        return false;
    }
}
