using System.Collections.Immutable;

namespace Mesh.Interfaces.Model;

/// <summary>
/// What a hostname's lifecycle needs of its app: the addresses DNS must point at, the ACME
/// challenge types the app's services let a gateway answer (in preference order), and the
/// certificate the app serves for the hostname now.
/// </summary>
[GenerateSerializer, Immutable, Alias("mesh.CertificateTarget")]
public sealed record CertificateTarget(
    [property: Id(0)] string App,
    [property: Id(1)] string Org,
    [property: Id(2)] ImmutableArray<string> V4,
    [property: Id(3)] ImmutableArray<string> V6,
    [property: Id(4)] ImmutableArray<string> ChallengeTypes,
    [property: Id(5)] CertificateInfo? Current = null);
