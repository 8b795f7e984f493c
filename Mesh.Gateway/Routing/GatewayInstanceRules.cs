using System.Net;
using Mesh.Domain.Instances;
using Mesh.Gateway.Hosting;
using Mesh.Hosting;
using Microsoft.Extensions.Configuration;

namespace Mesh.Gateway.Routing;

/// <summary>
/// What this gateway adds to the instance-address policy: embedded mode (no Redis: every
/// instance is on this host, so loopback is allowed unless <c>Mesh:Instances:AllowLoopback</c>
/// says otherwise), the embedded silo's ports until membership answers, and its own admin endpoint.
/// </summary>
public sealed class GatewayInstanceRules(IConfiguration configuration)
{
    private readonly GatewayOptions _gateway = configuration.GetSection(GatewayOptions.Section).Get<GatewayOptions>() ?? new GatewayOptions();

    public bool Embedded => string.IsNullOrEmpty(configuration["Mesh:Cluster:Redis"]) && string.IsNullOrEmpty(Environment.GetEnvironmentVariable("MESH_REDIS"));

    /// <summary>The embedded silo's ports from its discovery file, so the first table already refuses them.</summary>
    public IPEndPoint[] InitialNodes()
    {
        if (!Embedded) return [];
        var dataDir = configuration["Mesh:Cluster:DataDirectory"] ?? Environment.GetEnvironmentVariable("MESH_DATA_DIR")
            ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".mesh");
        return EmbeddedEndpoint.ReadFrom(dataDir) is { } silo
            ? [new IPEndPoint(IPAddress.Loopback, silo.SiloPort), new IPEndPoint(IPAddress.Loopback, silo.GatewayPort)]
            : [];
    }

    /// <summary>This gateway's admin endpoint (a port of 0 is chosen at start and is not known here).</summary>
    public IEnumerable<IPEndPoint> OwnEndpoints()
    {
        if (_gateway.AdminPort > 0 && IPAddress.TryParse(_gateway.AdminAddress, out var admin)) yield return new IPEndPoint(admin, _gateway.AdminPort);
    }
}
