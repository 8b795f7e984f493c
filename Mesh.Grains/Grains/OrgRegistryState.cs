using Mesh.Interfaces.Model;

namespace Mesh.Grains;

[GenerateSerializer, Alias("mesh.OrgRegistryState")]
public sealed class OrgRegistryState
{
    [Id(0)] public Dictionary<string, OrgInfo> Orgs { get; set; } = new(StringComparer.Ordinal);
}
