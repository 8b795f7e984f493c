namespace Mesh.Domain.Certificates;

/// <summary>Where the certificate an app serves for a hostname came from.</summary>
public static class CertificateSource
{
    public const string Acme = "acme";
    public const string Imported = "imported";
    public const string SelfSigned = "self-signed";
}
