namespace Mesh.Interfaces.Model;

/// <summary>A silo in the cluster, as <c>mesh status</c> shows it.</summary>
[GenerateSerializer, Immutable, Alias("mesh.SiloMember")]
public sealed record SiloMember(
    [property: Id(0)] string Name,
    [property: Id(1)] string Region,
    [property: Id(2)] string Address,
    [property: Id(3)] string Status);
