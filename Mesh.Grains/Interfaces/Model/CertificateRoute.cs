namespace Mesh.Interfaces.Model;

/// <summary>A certificate with its key, as gateways need it to terminate TLS for a hostname.</summary>
[GenerateSerializer, Immutable, Alias("mesh.CertificateRoute")]
public sealed record CertificateRoute(
    [property: Id(0)] string Hostname,
    [property: Id(1)] string CertificatePem,
    [property: Id(2)] string KeyPem);
