using System.Collections.Immutable;

namespace Mesh.Interfaces.Config;

/// <summary>
/// The part of a fly.toml the platform acts on: the app's public services in flyctl's order
/// (<c>[http_service]</c> first, then each <c>[[services]]</c> in file order).
/// </summary>
[GenerateSerializer, Immutable, Alias("mesh.AppConfig")]
public sealed record AppConfig(
    [property: Id(0)] string? AppName,
    [property: Id(1)] string? PrimaryRegion,
    [property: Id(2)] ImmutableArray<ServiceConfig> Services)
{
    public static AppConfig Empty { get; } = new(null, null, []);

    /// <summary>True when any service accepts traffic from the internet (what earns an app its IPs).</summary>
    public bool HasPublicService => Services.Any(s => s.Ports.Length > 0);
}
