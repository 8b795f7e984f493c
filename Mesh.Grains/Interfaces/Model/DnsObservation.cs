using System.Collections.Immutable;

namespace Mesh.Interfaces.Model;

/// <summary>What the ownership resolver answered for a hostname: addresses, the CNAME chain, or why the lookup failed.</summary>
[GenerateSerializer, Immutable, Alias("mesh.DnsObservation")]
public sealed record DnsObservation(
    [property: Id(0)] ImmutableArray<string> A,
    [property: Id(1)] ImmutableArray<string> Aaaa,
    [property: Id(2)] ImmutableArray<string> Cnames,
    [property: Id(3)] string? Error);
