namespace Mesh.Interfaces.Model;

/// <summary>What <c>mesh apps list</c> and <c>mesh status</c> show of an app.</summary>
[GenerateSerializer, Immutable, Alias("mesh.AppInfo")]
public sealed record AppInfo(
    [property: Id(0)] string Name,
    [property: Id(1)] string Org,
    [property: Id(2)] DateTimeOffset CreatedAt,
    [property: Id(3)] int Release,
    [property: Id(4)] string? PrimaryRegion,
    [property: Id(5)] int ServiceCount,
    [property: Id(6)] int IpCount,
    [property: Id(7)] int InstanceCount);
