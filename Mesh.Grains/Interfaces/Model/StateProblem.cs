namespace Mesh.Interfaces.Model;

/// <summary>A grain whose stored state cannot be read (truncated, corrupted, or not unsealable), as <c>mesh status</c> lists it.</summary>
[GenerateSerializer, Immutable, Alias("mesh.StateProblem")]
public sealed record StateProblem(
    [property: Id(0)] string Grain,
    [property: Id(1)] string Problem,
    [property: Id(2)] DateTimeOffset FirstSeen);
