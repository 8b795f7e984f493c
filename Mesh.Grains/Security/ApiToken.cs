using System.Security.Cryptography;
using System.Text;

namespace Mesh.Security;

/// <summary>
/// A tenant API token: <c>mesh_&lt;kind&gt;_&lt;id&gt;_&lt;secret&gt;</c>. The id (64 bits, hex) names the
/// token in lists, logs and audit lines; the secret (256 bits, base64url) is what proves it.
/// The platform keeps only <see cref="Hash"/>, so a copy of its state cannot be replayed.
/// </summary>
public sealed record ApiToken(ApiTokenKind Kind, string Id, string Secret)
{
    private const string Prefix = "mesh_";

    public string Text => $"{Prefix}{KindText(Kind)}_{Id}_{Secret}";

    /// <summary>A new token with a random id and secret.</summary>
    public static ApiToken New(ApiTokenKind kind) =>
        new(kind, Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8)), Base64Url(RandomNumberGenerator.GetBytes(32)));

    /// <summary>Reads a token's parts; false for anything not shaped like a token (never throws).</summary>
    public static bool TryParse(string? text, out ApiToken token)
    {
        token = null!;
        if (text is null || !text.StartsWith(Prefix, StringComparison.Ordinal)) return false;
        var parts = text[Prefix.Length..].Split('_', 3);
        if (parts.Length != 3) return false;
        ApiTokenKind? kind = parts[0] switch { "op" => ApiTokenKind.Operator, "org" => ApiTokenKind.Org, "app" => ApiTokenKind.App, _ => null };
        if (kind is null || parts[1].Length != 16 || !parts[1].All(Uri.IsHexDigit) || parts[2].Length != 43) return false;
        token = new ApiToken(kind.Value, parts[1].ToLowerInvariant(), parts[2]);
        return true;
    }

    /// <summary>SHA-256 of the whole token text, lowercase hex: what is stored and compared.</summary>
    public string Hash() => HashOf(Text);

    public static string HashOf(string tokenText) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(tokenText)));

    /// <summary>Compares two hashes in constant time, so a comparison's duration says nothing about either.</summary>
    public static bool HashEquals(string a, string b) =>
        CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(a), Encoding.ASCII.GetBytes(b));

    /// <summary>Never the secret: a token printed by mistake (a log line, an exception) leaks nothing.</summary>
    public override string ToString() => $"{Prefix}{KindText(Kind)}_{Id}_…";

    private static string KindText(ApiTokenKind kind) => kind switch
    {
        ApiTokenKind.Operator => "op",
        ApiTokenKind.Org => "org",
        _ => "app",
    };

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
