namespace Mesh.Interfaces.Model;

/// <summary>
/// An ACME challenge some gateway must answer while an order is open (RFC 8555 §8). It travels
/// in the route table so that whichever gateway the CA reaches answers, whether or not the
/// hostname routes yet. <see cref="Type"/> is <c>http-01</c> (answer <see cref="KeyAuthorization"/>
/// at <c>/.well-known/acme-challenge/{Token}</c> on port 80) or <c>tls-alpn-01</c> (RFC 8737:
/// serve <see cref="CertificatePem"/>/<see cref="KeyPem"/> to a ClientHello for
/// <see cref="Hostname"/> offering ALPN <c>acme-tls/1</c>, then close).
/// </summary>
[GenerateSerializer, Immutable, Alias("mesh.AcmeChallengeRoute")]
public sealed record AcmeChallengeRoute(
    [property: Id(0)] string Hostname,
    [property: Id(1)] string Type,
    [property: Id(2)] string Token,
    [property: Id(3)] string KeyAuthorization,
    [property: Id(4)] string? CertificatePem,
    [property: Id(5)] string? KeyPem);
