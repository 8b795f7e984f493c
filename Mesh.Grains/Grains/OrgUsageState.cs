using Mesh.Domain.Quotas;

namespace Mesh.Grains;

[GenerateSerializer, Alias("mesh.OrgUsageState")]
public sealed class OrgUsageState
{
    /// <summary>By kind: key (instance id, hostname) → the app holding it.</summary>
    [Id(0)] public Dictionary<QuotaKind, Dictionary<string, string>> Held { get; set; } = [];
}
