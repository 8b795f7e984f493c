namespace Mesh.Domain.Certificates;

/// <summary>Which app (of which org) claimed a hostname, and whether it showed ownership.</summary>
[GenerateSerializer, Immutable, Alias("mesh.HostnameClaim")]
public sealed record HostnameClaim(
    [property: Id(0)] string App,
    [property: Id(1)] string Org,
    [property: Id(2)] bool Verified);
