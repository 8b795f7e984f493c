using System.Collections.Immutable;
using Mesh.Interfaces.Config;

namespace Mesh.Interfaces.Model;

/// <summary>The outcome of a deploy: the release number, the warnings, and the IPs given on a first deploy.</summary>
[GenerateSerializer, Immutable, Alias("mesh.DeployResult")]
public sealed record DeployResult(
    [property: Id(0)] string App,
    [property: Id(1)] int Release,
    [property: Id(2)] ImmutableArray<string> Warnings,
    [property: Id(3)] ImmutableArray<IpAssignment> NewIps,
    [property: Id(4)] ImmutableArray<ServiceConfig> Services);
