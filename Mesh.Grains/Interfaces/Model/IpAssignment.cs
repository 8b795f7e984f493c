namespace Mesh.Interfaces.Model;

/// <summary>An address an app holds now; a private (Flycast) one names the org whose private network it is in.</summary>
[GenerateSerializer, Immutable, Alias("mesh.IpAssignment")]
public sealed record IpAssignment(
    [property: Id(0)] string Address,
    [property: Id(1)] IpKind Kind,
    [property: Id(2)] string Region,
    [property: Id(3)] DateTimeOffset AllocatedAt)
{
    /// <summary>For <see cref="IpKind.PrivateV6"/>: the org whose instances may reach it (its private network); null for public addresses.</summary>
    [Id(4)] public string? Network { get; init; }
}
