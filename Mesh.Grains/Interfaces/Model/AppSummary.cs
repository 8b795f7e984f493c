namespace Mesh.Interfaces.Model;

/// <summary>An entry in the app catalogue.</summary>
[GenerateSerializer, Immutable, Alias("mesh.AppSummary")]
public sealed record AppSummary(
    [property: Id(0)] string Name,
    [property: Id(1)] string Org,
    [property: Id(2)] DateTimeOffset CreatedAt);
