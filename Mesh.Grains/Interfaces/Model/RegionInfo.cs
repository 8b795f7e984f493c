using System.Collections.Immutable;

namespace Mesh.Interfaces.Model;

/// <summary>A region with its location and round-trip times (ms) to the other regions.</summary>
[GenerateSerializer, Immutable, Alias("mesh.RegionInfo")]
public sealed record RegionInfo(
    [property: Id(0)] string Code,
    [property: Id(1)] string Name,
    [property: Id(2)] double Latitude,
    [property: Id(3)] double Longitude,
    [property: Id(4)] ImmutableDictionary<string, RegionRtt> Rtt);
