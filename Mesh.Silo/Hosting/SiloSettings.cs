using System.Net;
using Mesh.Domain;
using Mesh.Domain.Regions;
using Mesh.Security;
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

    /// <summary>The silo's TLS directory (<c>--tls-dir</c>, <c>Mesh:Tls:Directory</c>); an embedded silo's is made in its data directory.</summary>
    public string TlsDirectory { get; init; } = "";

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
        ["--tls-dir"] = "Mesh:Tls:Directory",
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
        var settings = new SiloSettings(
            region.ToLowerInvariant(),
            Get("Redis", "MESH_REDIS"),
            Port(section, "SiloPort", 11111),
            Port(section, "GatewayPort", 30000),
            address,
            Get("DataDirectory", "MESH_DATA_DIR") ?? DefaultDataDirectory(),
            section["ClusterId"] ?? "mesh",
            section["ServiceId"] ?? "mesh",
            bool.TryParse(section["Sample"], out var sample) && sample);
        return settings with { TlsDirectory = Tls(config, settings).Path };
    }

    // Checked here, before the host starts, so that missing or broken TLS material is one line naming the flag.
    private static NodeTlsDirectory Tls(IConfiguration config, SiloSettings settings)
    {
        NodeTlsDirectory directory;
        if (config["Mesh:Tls:Directory"] is { Length: > 0 } path)
        {
            directory = new NodeTlsDirectory(Path.GetFullPath(path));
        }
        else if (settings.Embedded)
        {
            directory = EmbeddedTls.Ensure(settings.DataDirectory, DateTimeOffset.UtcNow);
        }
        else
        {
            throw new MeshException("tls_required", "--tls-dir: a cluster silo needs its TLS directory (ca.pem, node.pem, node.key, data.key from 'mesh cluster issue-cert --role silo')");
        }
        directory.Check("--tls-dir", silo: true);
        _ = new NodeCertificateSource(directory, [NodeRole.Silo]);
        _ = directory.LoadDataKeys();
        return directory;
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
