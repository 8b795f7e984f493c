using System.Collections.Immutable;

namespace Mesh.Interfaces.Model;

[GenerateSerializer, Immutable, Alias("mesh.AppRouteWithInstances")]
public sealed record AppRouteWithInstances(
    [property: Id(0)] AppRoute Route,
    [property: Id(1)] ImmutableArray<InstanceRoute> Instances);
