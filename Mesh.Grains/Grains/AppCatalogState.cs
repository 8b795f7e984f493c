using Mesh.Domain.Certificates;
using Mesh.Interfaces.Model;

namespace Mesh.Grains;

[GenerateSerializer, Alias("mesh.AppCatalogState")]
public sealed class AppCatalogState
{
    [Id(0)] public Dictionary<string, AppSummary> Apps { get; set; } = new(StringComparer.Ordinal);
    /// <summary>Hostname → app, as stored before claims knew their org; moved into <see cref="Claims"/> on activation (those routed, so they count as verified).</summary>
    [Id(1)] public Dictionary<string, string> Hostnames { get; set; } = new(StringComparer.OrdinalIgnoreCase);
    /// <summary>Hostname → the app that claimed it, its org and whether it showed ownership.</summary>
    [Id(2)] public Dictionary<string, HostnameClaim> Claims { get; set; } = new(StringComparer.OrdinalIgnoreCase);
}
