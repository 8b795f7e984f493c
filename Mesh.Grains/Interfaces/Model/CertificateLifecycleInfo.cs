namespace Mesh.Interfaces.Model;

/// <summary>A hostname's lifecycle as the list shows it.</summary>
[GenerateSerializer, Immutable, Alias("mesh.CertificateLifecycleInfo")]
public sealed record CertificateLifecycleInfo(
    [property: Id(0)] string Hostname,
    [property: Id(1)] string Status,
    [property: Id(2)] bool OwnershipVerified,
    [property: Id(3)] string? LastError,
    [property: Id(4)] DateTimeOffset? NextAttempt);
