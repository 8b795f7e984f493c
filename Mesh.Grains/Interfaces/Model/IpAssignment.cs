namespace Mesh.Interfaces.Model;

/// <summary>An address an app holds now.</summary>
[GenerateSerializer, Immutable, Alias("mesh.IpAssignment")]
public sealed record IpAssignment(
    [property: Id(0)] string Address,
    [property: Id(1)] IpKind Kind,
    [property: Id(2)] string Region,
    [property: Id(3)] DateTimeOffset AllocatedAt);
