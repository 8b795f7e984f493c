namespace Mesh.Interfaces.Model;

/// <summary>Round-trip time to another region; <see cref="Measured"/> false means estimated from distance.</summary>
[GenerateSerializer, Immutable, Alias("mesh.RegionRtt")]
public sealed record RegionRtt(
    [property: Id(0)] double Milliseconds,
    [property: Id(1)] bool Measured,
    [property: Id(2)] DateTimeOffset? MeasuredAt);
