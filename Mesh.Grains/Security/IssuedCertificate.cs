namespace Mesh.Security;

/// <summary>A node certificate and its private key, as PEM; the serial (hex) is what logs name.</summary>
public sealed record IssuedCertificate(string CertificatePem, string KeyPem, string SerialNumber)
{
    /// <summary>Never the key.</summary>
    public override string ToString() => $"certificate serial={SerialNumber}";
}
