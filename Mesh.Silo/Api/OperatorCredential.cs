using Mesh.Domain;
using Mesh.Hosting;
using Mesh.Security;
using Mesh.Silo.Hosting;

namespace Mesh.Silo.Api;

/// <summary>
/// The operator token's hash (never its text): from the data directory in embedded mode (made on
/// first start), from <c>Mesh:Api:OperatorTokenHashFile</c> in cluster mode. Without one, no
/// operator token is accepted.
/// </summary>
internal sealed class OperatorCredential(string? hash)
{
    public bool Configured => hash is not null;

    public bool Matches(ApiToken token) =>
        hash is not null && token.Kind == ApiTokenKind.Operator && ApiToken.HashEquals(hash, token.Hash());

    public static OperatorCredential Load(SiloSettings silo, ApiSettings api)
    {
        if (silo.Embedded)
        {
            return new OperatorCredential(ApiToken.HashOf(EnsureEmbeddedToken(silo.DataDirectory)));
        }
        if (api.OperatorTokenHashFile is not { } file)
        {
            return new OperatorCredential(null);
        }
        string text;
        try
        {
            text = File.ReadAllText(file).Trim().ToLowerInvariant();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new MeshException("config_invalid", $"Mesh:Api:OperatorTokenHashFile: cannot read {file}: {e.Message}");
        }
        if (text.Length != 64 || !text.All(char.IsAsciiHexDigit))
        {
            throw new MeshException("config_invalid", $"Mesh:Api:OperatorTokenHashFile: {file} does not hold a SHA-256 hash in hex");
        }
        return new OperatorCredential(text);
    }

    /// <summary>The embedded mesh's operator token: the one in the data directory, or a new one written there (0600).</summary>
    private static string EnsureEmbeddedToken(string dataDirectory)
    {
        if (EmbeddedApiEndpoint.ReadOperatorToken(dataDirectory) is { } existing
            && ApiToken.TryParse(existing, out var parsed) && parsed.Kind == ApiTokenKind.Operator)
        {
            return existing;
        }
        var text = ApiToken.New(ApiTokenKind.Operator).Text;
        SecureFiles.Write(EmbeddedApiEndpoint.OperatorTokenPathIn(dataDirectory), text + "\n");
        return text;
    }
}
