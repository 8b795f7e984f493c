using System.Collections.Immutable;

namespace Mesh.Interfaces.Model;

/// <summary>What registers an instance: where it runs and where the private network reaches it.</summary>
[GenerateSerializer, Immutable, Alias("mesh.InstanceRegistration")]
public sealed record InstanceRegistration(
    [property: Id(0)] string Region,
    [property: Id(1)] string Address,
    [property: Id(2)] ImmutableDictionary<string, string> Metadata);
