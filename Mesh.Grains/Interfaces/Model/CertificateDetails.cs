using System.Collections.Immutable;

namespace Mesh.Interfaces.Model;

/// <summary>
/// What <c>mesh certs show</c> prints of a hostname (never key material): the certificate served
/// now, the lifecycle, the DNS records expected and what the resolver sees.
/// </summary>
[GenerateSerializer, Immutable, Alias("mesh.CertificateDetails")]
public sealed record CertificateDetails(
    [property: Id(0)] string Hostname,
    [property: Id(1)] string App,
    [property: Id(2)] string Status,
    [property: Id(3)] string Source,
    [property: Id(4)] bool OwnershipVerified,
    [property: Id(5)] string Subject,
    [property: Id(6)] string Issuer,
    [property: Id(7)] DateTimeOffset NotBefore,
    [property: Id(8)] DateTimeOffset NotAfter,
    [property: Id(9)] ImmutableArray<string> Sans,
    [property: Id(10)] string Sha256Fingerprint,
    [property: Id(11)] bool SelfSigned,
    [property: Id(12)] DateTimeOffset AddedAt,
    [property: Id(13)] ImmutableArray<DnsRecord> DnsRecords,
    [property: Id(14)] DnsObservation? DnsSeen,
    [property: Id(15)] string? Challenge,
    [property: Id(16)] string? LastError,
    [property: Id(17)] DateTimeOffset? NextAttempt,
    [property: Id(18)] DateTimeOffset? RenewAt);
