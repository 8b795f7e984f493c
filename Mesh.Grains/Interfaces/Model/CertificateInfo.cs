namespace Mesh.Interfaces.Model;

/// <summary>What <c>mesh certs list</c> shows of a certificate (never the key).</summary>
[GenerateSerializer, Immutable, Alias("mesh.CertificateInfo")]
public sealed record CertificateInfo(
    [property: Id(0)] string Hostname,
    [property: Id(1)] string Subject,
    [property: Id(2)] string Issuer,
    [property: Id(3)] DateTimeOffset NotBefore,
    [property: Id(4)] DateTimeOffset NotAfter,
    [property: Id(5)] string Sha256Fingerprint,
    [property: Id(6)] bool SelfSigned,
    [property: Id(7)] DateTimeOffset AddedAt);
