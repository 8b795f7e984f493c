using System.Collections.Immutable;

namespace Mesh.Interfaces.Model;

/// <summary>Everything a gateway needs, as of <see cref="Version"/>.</summary>
[GenerateSerializer, Immutable, Alias("mesh.RouteSnapshot")]
public sealed record RouteSnapshot(
    [property: Id(0)] long Version,
    [property: Id(1)] ImmutableArray<AppRoute> Apps,
    [property: Id(2)] ImmutableArray<InstanceRoute> Instances)
{
    public static RouteSnapshot Empty { get; } = new(0, [], []);
}
