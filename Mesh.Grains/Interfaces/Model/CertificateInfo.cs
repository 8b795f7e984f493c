using System.Collections.Immutable;

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
    [property: Id(7)] DateTimeOffset AddedAt)
{
    /// <summary><c>acme</c>, <c>imported</c> or <c>self-signed</c> (null when stored before sources were recorded: read <see cref="SelfSigned"/>).</summary>
    [Id(8)] public string? Source { get; init; }

    /// <summary>The DNS names the certificate covers.</summary>
    [Id(9)] public ImmutableArray<string> Sans { get; init; } = [];

    /// <summary>The hostname's lifecycle status (filled in by the API's list from the hostname's grain).</summary>
    [Id(10)] public string? Status { get; init; }
}
