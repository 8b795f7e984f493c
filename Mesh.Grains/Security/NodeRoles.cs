using System.Formats.Asn1;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Mesh.Domain;

namespace Mesh.Security;

/// <summary>The role's text (<c>silo</c>, <c>gateway</c>, <c>operator</c>), its URI SAN, and reading it back from a certificate.</summary>
public static class NodeRoles
{
    public const string UriPrefix = "mesh:role:";

    private const string SubjectAltNameOid = "2.5.29.17";
    private static readonly Asn1Tag UriTag = new(TagClass.ContextSpecific, 6);

    public static string Text(NodeRole role) => role switch
    {
        NodeRole.Silo => "silo",
        NodeRole.Gateway => "gateway",
        _ => "operator",
    };

    public static string Uri(NodeRole role) => UriPrefix + Text(role);

    /// <summary>Reads <c>silo|gateway|operator</c>; the error names <paramref name="flag"/>.</summary>
    public static NodeRole Parse(string text, string flag = "--role") => text.Trim().ToLowerInvariant() switch
    {
        "silo" => NodeRole.Silo,
        "gateway" => NodeRole.Gateway,
        "operator" => NodeRole.Operator,
        _ => throw new MeshException("role_invalid", $"{flag}: '{text}' is not a role (silo, gateway or operator)"),
    };

    /// <summary>The role a certificate carries, or null when it carries none (or more than one, which the CA never issues).</summary>
    public static NodeRole? Of(X509Certificate2 certificate)
    {
        var extension = certificate.Extensions.FirstOrDefault(e => e.Oid?.Value == SubjectAltNameOid);
        if (extension is null) return null;
        NodeRole? found = null;
        try
        {
            var names = new AsnReader(extension.RawData, AsnEncodingRules.DER).ReadSequence();
            while (names.HasData)
            {
                if (names.PeekTag() != UriTag)
                {
                    names.ReadEncodedValue();
                    continue;
                }
                var uri = names.ReadCharacterString(UniversalTagNumber.IA5String, UriTag);
                if (!uri.StartsWith(UriPrefix, StringComparison.Ordinal)) continue;
                NodeRole? role = uri[UriPrefix.Length..] switch
                {
                    "silo" => NodeRole.Silo,
                    "gateway" => NodeRole.Gateway,
                    "operator" => NodeRole.Operator,
                    _ => null,
                };
                if (role is null || (found is not null && found != role)) return null;
                found = role;
            }
        }
        catch (Exception e) when (e is AsnContentException or CryptographicException)
        {
            return null;
        }
        return found;
    }
}
