using Mesh.Interfaces.Model;

namespace Mesh.Grains;

[GenerateSerializer, Alias("mesh.RegionState")]
public sealed class RegionState
{
    /// <summary>Measured RTTs to other regions, by region code.</summary>
    [Id(0)] public Dictionary<string, RegionRtt> Measured { get; set; } = new(StringComparer.Ordinal);
}
