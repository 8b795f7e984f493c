using Mesh.Interfaces.Model;

namespace Mesh.Grains;

/// <summary>
/// A certificate as an app keeps it: the private key sealed with the cluster data key
/// (<see cref="Mesh.Security.SecretSealer"/>). It routes only once ownership is shown (stored
/// as its opposite so certificates stored before the check existed keep routing).
/// </summary>
[GenerateSerializer, Immutable, Alias("mesh.StoredCertificate")]
public sealed record StoredCertificate(
    [property: Id(0)] CertificateInfo Info,
    [property: Id(1)] string CertificatePem,
    [property: Id(2)] string SealedKey,
    [property: Id(3)] bool AwaitingOwnership = false);
