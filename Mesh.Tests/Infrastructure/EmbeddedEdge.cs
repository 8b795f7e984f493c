using Mesh.Interfaces;

namespace Mesh.Tests.Infrastructure;

/// <summary>
/// A whole edge on this machine: an embedded silo process with its own address pools, an SDK
/// client, and gateway processes. Each test gets its own, so tests never share addresses.
/// </summary>
internal sealed class EmbeddedEdge : IAsyncDisposable
{
    private readonly TempDir _dir = new();
    private readonly List<GatewayProcess> _gateways = [];

    private EmbeddedEdge(string v4Prefix)
    {
        V4Prefix = v4Prefix;
    }

    /// <summary>The dedicated IPv4 pool's first three octets, e.g. "127.83.17".</summary>
    public string V4Prefix { get; }

    public string SharedV4 => V4Prefix[..V4Prefix.LastIndexOf('.')] + ".250.1";

    public SiloProcess Silo { get; private set; } = null!;

    public ClusterClientHost Client { get; private set; } = null!;

    public IGrainFactory Grains => Client.Client;

    public string DataDir => _dir.Path;

    public string Region { get; private set; } = "ams";

    /// <summary>Extra silo settings (environment variables, e.g. <c>Mesh__Acme__Resolver</c>).</summary>
    private IReadOnlyDictionary<string, string> _env = new Dictionary<string, string>();

    public static async Task<EmbeddedEdge> StartAsync(string region = "ams", IReadOnlyDictionary<string, string>? env = null)
    {
        // A /24 of 127/8 of its own: parallel and later tests never dial each other's addresses.
        var prefix = $"127.{Random.Shared.Next(90, 250)}.{Random.Shared.Next(0, 250)}";
        var edge = new EmbeddedEdge(prefix) { Region = region, _env = env ?? new Dictionary<string, string>() };
        await edge.StartSiloAsync();
        return edge;
    }

    /// <summary>
    /// Kills the silo (no goodbye), lets the test change the data directory while it is down,
    /// and starts it again on the same directory and ports (gateways reconnect) with a new client.
    /// </summary>
    public async Task RestartSiloAsync(Action<string>? whileDown = null)
    {
        var (siloPort, gatewayPort) = (Silo.SiloPort, Silo.GatewayPort);
        await KillSiloAsync();
        whileDown?.Invoke(DataDir);
        await StartSiloAsync(siloPort, gatewayPort);
    }

    /// <summary>Kills the silo and drops the client; gateways keep running on what they have.</summary>
    public async Task KillSiloAsync()
    {
        Silo.Process.Kill();
        await Silo.Process.WaitForExitAsync(TimeSpan.FromSeconds(10));
        await Client.DisposeAsync();
        _clientDisposed = true;
    }

    private bool _clientDisposed;

    private async Task StartSiloAsync(int? siloPort = null, int? gatewayPort = null)
    {
        var env = new Dictionary<string, string>(_env)
        {
            ["Mesh__IpPool__DedicatedV4"] = V4Prefix + ".0/24",
            ["Mesh__IpPool__SharedV4"] = SharedV4,
        };
        Silo = await SiloProcess.StartAsync(Region, dataDir: _dir.Path, env: env, siloPort: siloPort, gatewayPort: gatewayPort);
        Client = await ClusterClientHost.ConnectEmbeddedAsync(Silo.GatewayPort, _dir.Path);
        _clientDisposed = false;
    }

    public async Task<GatewayProcess> StartGatewayAsync(string region = "ams", params string[] extra)
    {
        var gateway = await GatewayProcess.StartAsync(region, _dir.Path, extra);
        _gateways.Add(gateway);
        return gateway;
    }

    public async Task StopGatewayAsync(GatewayProcess gateway)
    {
        _gateways.Remove(gateway);
        await gateway.Process.TerminateAsync(TimeSpan.FromSeconds(30));
        await gateway.DisposeAsync();
    }

    /// <summary>Creates and deploys an app (org personal), allocates it a dedicated IPv4 and registers its instances.</summary>
    public async Task<(IAppGrain App, string V4)> DeployWithV4Async(string name, string config, params (string Region, string Address)[] instances)
    {
        var app = Grains.GetGrain<IAppGrain>(name);
        await app.Create("personal");
        await app.Deploy(config);
        var v4 = await app.AllocateIp(Mesh.Interfaces.Model.IpKind.V4);
        foreach (var (region, address) in instances)
        {
            await app.AddInstance(new Mesh.Interfaces.Model.InstanceRegistration(region, address, []));
        }
        return (app, v4.Address);
    }

    public async Task<long> RouteVersionAsync() =>
        (await Grains.GetGrain<IRouteTableGrain>(IRouteTableGrain.Global).GetSnapshot()).Version;

    /// <summary>Waits until every gateway has applied the control plane's current table.</summary>
    public async Task SyncedAsync()
    {
        var version = await RouteVersionAsync();
        foreach (var g in _gateways) await g.WaitForVersionAsync(version);
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var g in _gateways) await g.DisposeAsync();
        if (!_clientDisposed) await Client.DisposeAsync();
        await Silo.DisposeAsync();
        _dir.Dispose();
    }
}
