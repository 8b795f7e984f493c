using System.Collections.Immutable;

namespace Mesh.Interfaces.Model;

/// <summary>
/// The answer to "what changed since version V": the deltas in order, or
/// <see cref="Snapshot"/> when the grain no longer holds them all (the caller resyncs).
/// </summary>
[GenerateSerializer, Immutable, Alias("mesh.RouteChanges")]
public sealed record RouteChanges(
    [property: Id(0)] long Version,
    [property: Id(1)] ImmutableArray<RouteDelta> Deltas,
    [property: Id(2)] RouteSnapshot? Snapshot);
