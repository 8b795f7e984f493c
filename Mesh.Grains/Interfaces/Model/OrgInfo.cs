namespace Mesh.Interfaces.Model;

/// <summary>An org: the security boundary of apps and tokens.</summary>
[GenerateSerializer, Immutable, Alias("mesh.OrgInfo")]
public sealed record OrgInfo(
    [property: Id(0)] string Name,
    [property: Id(1)] DateTimeOffset CreatedAt);
