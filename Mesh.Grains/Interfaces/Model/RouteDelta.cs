namespace Mesh.Interfaces.Model;

/// <summary>
/// One change to the route table. Versions are consecutive: a subscriber that sees
/// <c>Version != last + 1</c> has missed a push and must resync.
/// </summary>
[GenerateSerializer, Immutable, Alias("mesh.RouteDelta")]
public sealed record RouteDelta(
    [property: Id(0)] long Version,
    [property: Id(1)] RouteChangeKind Kind,
    [property: Id(2)] string App,
    [property: Id(3)] AppRoute? AppRoute,
    [property: Id(4)] InstanceRoute? Instance,
    [property: Id(5)] string? InstanceId);
