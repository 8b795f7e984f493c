using Mesh.Interfaces.Model;

namespace Mesh.Grains;

[GenerateSerializer, Alias("mesh.AppCatalogState")]
public sealed class AppCatalogState
{
    [Id(0)] public Dictionary<string, AppSummary> Apps { get; set; } = new(StringComparer.Ordinal);
    /// <summary>Hostname → app that holds a certificate for it.</summary>
    [Id(1)] public Dictionary<string, string> Hostnames { get; set; } = new(StringComparer.OrdinalIgnoreCase);
}
