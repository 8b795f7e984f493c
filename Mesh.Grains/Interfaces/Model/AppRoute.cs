using System.Collections.Immutable;
using Mesh.Interfaces.Config;

namespace Mesh.Interfaces.Model;

/// <summary>
/// The app-level part of the route table: services, addresses and certificates of one app
/// (only hostnames whose ownership is verified route), and the ACME challenges its open
/// orders need answered.
/// </summary>
[GenerateSerializer, Immutable, Alias("mesh.AppRoute")]
public sealed record AppRoute(
    [property: Id(0)] string App,
    [property: Id(1)] string Org,
    [property: Id(2)] ImmutableArray<ServiceConfig> Services,
    [property: Id(3)] ImmutableArray<IpAssignment> Ips,
    [property: Id(4)] ImmutableArray<CertificateRoute> Certificates)
{
    [Id(5)] public ImmutableArray<AcmeChallengeRoute> Challenges { get; init; } = [];
}
