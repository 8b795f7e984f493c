namespace Mesh.Tests.Regions;

/// <summary>
/// Meshes of several regions in network namespaces (<see cref="Infrastructure.RegionsMesh"/>): one
/// such mesh per host at a time, and nothing else running beside it (three silos and gateways
/// take both cores).
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class RegionsTests
{
    public const string Name = "regions";
}
