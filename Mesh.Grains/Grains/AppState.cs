using Mesh.Interfaces.Config;
using Mesh.Interfaces.Model;

namespace Mesh.Grains;

[GenerateSerializer, Alias("mesh.AppState")]
public sealed class AppState
{
    [Id(0)] public bool Exists { get; set; }
    [Id(1)] public string Org { get; set; } = "";
    [Id(2)] public DateTimeOffset CreatedAt { get; set; }
    [Id(3)] public int Release { get; set; }
    [Id(4)] public string? ConfigText { get; set; }
    [Id(5)] public AppConfig Config { get; set; } = AppConfig.Empty;
    [Id(6)] public List<IpAssignment> Ips { get; set; } = [];
    /// <summary>Set once the first deploy with a public service gave the app its addresses; later deploys never add more.</summary>
    [Id(7)] public bool IpsProvisioned { get; set; }
    [Id(8)] public Dictionary<string, StoredCertificate> Certificates { get; set; } = new(StringComparer.OrdinalIgnoreCase);
    /// <summary>The app's instances as last reported by their grains, by id.</summary>
    [Id(9)] public Dictionary<string, InstanceRoute> Instances { get; set; } = new(StringComparer.Ordinal);
}
