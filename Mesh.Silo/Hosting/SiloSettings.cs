using System.Net;
using Mesh.Domain;
using Mesh.Domain.Regions;
using Microsoft.Extensions.Configuration;

namespace Mesh.Silo.Hosting;

/// <summary>
/// How a silo is run, from the command line (<c>--region ams --redis host:port …</c>), the
/// environment (<c>MESH_REDIS</c>, <c>MESH_REGION</c>, <c>MESH_DATA_DIR</c>) or the <c>Mesh:Silo</c>
/// config section. Without Redis the silo runs embedded: localhost clustering and file storage.
/// </summary>
public sealed record SiloSettings(
    string Region,
    string? Redis,
    int SiloPort,
    int GatewayPort,
    IPAddress AdvertisedAddress,
    string DataDirectory,
    string ClusterId,
    string ServiceId,
    bool Sample)
{
    public bool Embedded => string.IsNullOrEmpty(Redis);

    public static readonly Dictionary<string, string> Switches = new()
    {
        ["--region"] = "Mesh:Silo:Region",
        ["--redis"] = "Mesh:Silo:Redis",
        ["--silo-port"] = "Mesh:Silo:SiloPort",
        ["--gateway-port"] = "Mesh:Silo:GatewayPort",
        ["--advertise"] = "Mesh:Silo:AdvertisedAddress",
        ["--data-dir"] = "Mesh:Silo:DataDirectory",
        ["--cluster-id"] = "Mesh:Silo:ClusterId",
        ["--service-id"] = "Mesh:Silo:ServiceId",
        ["--sample"] = "Mesh:Silo:Sample",
    };

    public static SiloSettings From(IConfiguration config)
    {
        var section = config.GetSection("Mesh:Silo");
        string? Get(string key, string env) => section[key] is { Length: > 0 } v ? v : Environment.GetEnvironmentVariable(env);

        var region = Get("Region", "MESH_REGION") ?? "ams";
        if (RegionCatalog.Find(region) is null)
        {
            throw new MeshException("unknown_region", $"--region: unknown region '{region}' (known: {string.Join(", ", RegionCatalog.All.Select(r => r.Code))})");
        }
        var advertised = section["AdvertisedAddress"] ?? "127.0.0.1";
        if (!IPAddress.TryParse(advertised, out var address))
        {
            throw new MeshException("config_invalid", $"--advertise: '{advertised}' is not an IP address");
        }
        return new SiloSettings(
            region.ToLowerInvariant(),
            Get("Redis", "MESH_REDIS"),
            Port(section, "SiloPort", 11111),
            Port(section, "GatewayPort", 30000),
            address,
            Get("DataDirectory", "MESH_DATA_DIR") ?? DefaultDataDirectory(),
            section["ClusterId"] ?? "mesh",
            section["ServiceId"] ?? "mesh",
            bool.TryParse(section["Sample"], out var sample) && sample);
    }

    public static string DefaultDataDirectory() =>
        Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".mesh");

    private static int Port(IConfigurationSection section, string key, int fallback)
    {
        var text = section[key];
        if (text is null) return fallback;
        return int.TryParse(text, out var port) && port is > 0 and < 65536
            ? port
            : throw new MeshException("config_invalid", $"--{Kebab(key)}: '{text}' is not a port number");
    }

    private static string Kebab(string key) => string.Concat(key.Select((c, i) => char.IsUpper(c) && i > 0 ? "-" + char.ToLowerInvariant(c) : char.ToLowerInvariant(c).ToString()));
}
