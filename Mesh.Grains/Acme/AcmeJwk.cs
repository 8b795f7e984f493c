using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;

namespace Mesh.Acme;

/// <summary>The account key as a JWK (RFC 7517) and its thumbprint (RFC 7638), for ES256 on P-256.</summary>
internal static class AcmeJwk
{
    /// <summary>The public JWK with only the members RFC 7638 §3.2 requires for EC keys, in lexicographic order.</summary>
    public static JsonObject For(ECDsa key)
    {
        var members = RequiredMembers(key);
        var jwk = new JsonObject();
        foreach (var (name, value) in members) jwk[name] = value;
        return jwk;
    }

    public static string Thumbprint(ECDsa key) => Thumbprint(RequiredMembers(key));

    /// <summary>
    /// RFC 7638 §3: the required members sorted by name, serialized with no whitespace, hashed
    /// with SHA-256. Every required member of the key types ACME uses is a string, so building
    /// the JSON by hand gives exactly the canonical form.
    /// </summary>
    public static string Thumbprint(IEnumerable<KeyValuePair<string, string>> requiredMembers)
    {
        var json = new StringBuilder("{");
        foreach (var (name, value) in requiredMembers.OrderBy(m => m.Key, StringComparer.Ordinal))
        {
            if (json.Length > 1) json.Append(',');
            json.Append('"').Append(name).Append("\":\"").Append(value).Append('"');
        }
        json.Append('}');
        return Base64Url.Encode(SHA256.HashData(Encoding.UTF8.GetBytes(json.ToString())));
    }

    private static KeyValuePair<string, string>[] RequiredMembers(ECDsa key)
    {
        var p = key.ExportParameters(includePrivateParameters: false);
        if (p.Curve.Oid.Value != ECCurve.NamedCurves.nistP256.Oid.Value)
        {
            throw new ArgumentException("the ACME account key must be an ECDSA P-256 key (ES256)", nameof(key));
        }
        return
        [
            new("crv", "P-256"),
            new("kty", "EC"),
            new("x", Base64Url.Encode(p.Q.X)),
            new("y", Base64Url.Encode(p.Q.Y)),
        ];
    }
}
