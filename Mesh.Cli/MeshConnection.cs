using Mesh.Domain;
using Mesh.Hosting;
using Mesh.Security;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans.Configuration;
using StackExchange.Redis;

namespace Mesh.Cli;

/// <summary>
/// Connects to a mesh as an Orleans client: to a Redis-clustered mesh when given a Redis
/// connection, else to the embedded silo whose endpoint file sits in the data directory. It
/// presents an operator certificate: <c>--tls-dir</c> / <c>MESH_TLS_DIR</c>, else the embedded data
/// directory's <c>tls/operator</c>.
/// </summary>
internal sealed class MeshConnection(IHost host) : IAsyncDisposable
{
    public IClusterClient Client { get; } = host.Services.GetRequiredService<IClusterClient>();

    public static async Task<MeshConnection> OpenAsync(string? redis, string? dataDir, string? clusterId, string? serviceId, CancellationToken cancellationToken, string? tlsDir = null)
    {
        redis ??= Environment.GetEnvironmentVariable("MESH_REDIS");
        dataDir ??= Environment.GetEnvironmentVariable("MESH_DATA_DIR")
            ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".mesh");
        clusterId ??= "mesh";
        serviceId ??= "mesh";
        tlsDir ??= Environment.GetEnvironmentVariable("MESH_TLS_DIR");
        var tls = tlsDir is { Length: > 0 } ? new NodeTlsDirectory(Path.GetFullPath(tlsDir)) : EmbeddedTls.NodeDirectory(dataDir, NodeRole.Operator);
        var tlsFlag = tlsDir is { Length: > 0 } ? "--tls-dir" : "--tls-dir (default: the embedded mesh's tls/operator)";

        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { Args = [], DisableDefaults = true });
        builder.Logging.ClearProviders();
        string where;
        if (!string.IsNullOrEmpty(redis))
        {
            var options = ConfigurationOptions.Parse(redis);
            tls.Check(tlsFlag, silo: false);
            builder.UseOrleansClient(c =>
            {
                c.UseClusterTls(tls);
                c.Configure<ClusterOptions>(o => { o.ClusterId = clusterId; o.ServiceId = serviceId; });
                c.UseRedisClustering(o => o.ConfigurationOptions = options);
                Tune(c);
            });
            where = $"the mesh clustered in Redis at {redis}";
        }
        else
        {
            var endpoint = EmbeddedEndpoint.ReadFrom(dataDir)
                ?? throw new MeshException("no_mesh", $"no mesh is running here (no {EmbeddedEndpoint.FileName} in {dataDir}); start one with ./mesh-up, or pass --redis");
            tls.Check(tlsFlag, silo: false);
            builder.UseOrleansClient(c =>
            {
                c.UseClusterTls(tls);
                c.UseLocalhostClustering(endpoint.GatewayPort, serviceId, clusterId);
                Tune(c);
            });
            where = $"the embedded mesh at 127.0.0.1:{endpoint.GatewayPort}";
        }

        var host = builder.Build();
        // A refused handshake (a certificate of another cluster) makes Orleans retry for minutes; a CLI gives up sooner.
        using var connecting = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        connecting.CancelAfter(ConnectTimeout);
        try
        {
            await host.StartAsync(connecting.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            host.Dispose();
            throw new MeshException("unreachable", $"cannot reach {where}: no connection within {ConnectTimeout.TotalSeconds:0} s (is the silo up, and is {tls.Path} a certificate of this cluster?)");
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            host.Dispose();
            throw new MeshException("unreachable", $"cannot reach {where}: {FirstLine(e.Message)}");
        }
        return new MeshConnection(host);
    }

    private static readonly TimeSpan ConnectTimeout = TimeSpan.FromSeconds(10);

    private static void Tune(IClientBuilder client) =>
        // A CLI call should fail within seconds, not wait out Orleans' 30 s default.
        client.Configure<ClientMessagingOptions>(o => o.ResponseTimeout = TimeSpan.FromSeconds(15));

    private static string FirstLine(string text) => text.Split('\n', 2)[0].Trim();

    public async ValueTask DisposeAsync()
    {
        try
        {
            await host.StopAsync(TimeSpan.FromSeconds(2));
        }
        finally
        {
            host.Dispose();
        }
    }
}
