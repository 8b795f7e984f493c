using Mesh.Interfaces.Model;

namespace Mesh.Grains;

[GenerateSerializer, Immutable, Alias("mesh.StoredCertificate")]
public sealed record StoredCertificate(
    [property: Id(0)] CertificateInfo Info,
    [property: Id(1)] string CertificatePem,
    [property: Id(2)] string KeyPem);
