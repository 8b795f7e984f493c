using Mesh.Domain;
using Mesh.Hosting;
using Mesh.Security;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Orleans.Configuration;
using StackExchange.Redis;

namespace Mesh.Gateway.Hosting;

/// <summary>
/// The gateway's Orleans client: Redis clustering when given a connection, else the embedded
/// silo found through its data directory. It presents its node certificate (<c>--tls-dir</c>, or
/// <c>DATA/tls/gateway</c> of an embedded mesh) and talks to silos only over mutual TLS. It retries
/// forever, so a gateway started before the cluster (or cut off from it) serves from its table and
/// joins when it can.
/// </summary>
internal static class GatewayCluster
{
    public static readonly Dictionary<string, string> Switches = new()
    {
        ["--region"] = "Mesh:Gateway:Region",
        ["--node-id"] = "Mesh:Gateway:NodeId",
        ["--bind-mode"] = "Mesh:Gateway:BindMode",
        ["--admin-port"] = "Mesh:Gateway:AdminPort",
        ["--redis"] = "Mesh:Cluster:Redis",
        ["--data-dir"] = "Mesh:Cluster:DataDirectory",
        ["--cluster-id"] = "Mesh:Cluster:ClusterId",
        ["--service-id"] = "Mesh:Cluster:ServiceId",
        ["--tls-dir"] = "Mesh:Tls:Directory",
    };

    public static void Configure(IHostApplicationBuilder builder)
    {
        var section = builder.Configuration.GetSection("Mesh:Cluster");
        var redis = section["Redis"] is { Length: > 0 } r ? r : Environment.GetEnvironmentVariable("MESH_REDIS");
        var clusterId = section["ClusterId"] ?? "mesh";
        var serviceId = section["ServiceId"] ?? "mesh";
        var dataDir = section["DataDirectory"] ?? Environment.GetEnvironmentVariable("MESH_DATA_DIR")
            ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".mesh");
        var tls = TlsDirectory(builder.Configuration, string.IsNullOrEmpty(redis) ? dataDir : null);
        var reconnects = new ClusterReconnects();
        builder.Services.AddSingleton(reconnects);
        builder.UseOrleansClient(client =>
        {
            client.AddGatewayCountChangedHandler((_, e) =>
            {
                if (e.ConnectionRecovered || e.NumberOfConnectedGateways > e.PreviousNumberOfConnectedGateways) reconnects.Signal();
            });
            client.UseClusterTls(tls);
            client.Configure<ClusterOptions>(o => { o.ClusterId = clusterId; o.ServiceId = serviceId; });
            if (!string.IsNullOrEmpty(redis))
            {
                var options = ConfigurationOptions.Parse(redis);
                options.AbortOnConnectFail = false;
                client.UseRedisClustering(o => o.ConfigurationOptions = options);
            }
            else
            {
                var endpoint = EmbeddedEndpoint.ReadFrom(dataDir)
                    ?? throw new InvalidOperationException($"no embedded mesh found in {dataDir} (no {EmbeddedEndpoint.FileName}); start one, or pass --redis");
                client.UseLocalhostClustering(endpoint.GatewayPort, serviceId, clusterId);
            }
            // A gateway must not wait out Orleans' 30 s default on a dead silo (spike G8).
            client.Configure<ClientMessagingOptions>(o => o.ResponseTimeout = TimeSpan.FromSeconds(5));
            client.UseConnectionRetryFilter(async (_, cancellationToken) =>
            {
                await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken);
                return true;
            });
        });
    }

    /// <summary>The gateway's TLS directory, checked before the host starts (one line naming the flag when unusable).</summary>
    private static NodeTlsDirectory TlsDirectory(IConfiguration configuration, string? embeddedDataDir)
    {
        var directory = configuration["Mesh:Tls:Directory"] is { Length: > 0 } path
            ? new NodeTlsDirectory(Path.GetFullPath(path))
            : embeddedDataDir is not null
                ? EmbeddedTls.NodeDirectory(embeddedDataDir, NodeRole.Gateway)
                : throw new MeshException("tls_required", "--tls-dir: a cluster gateway needs its TLS directory (ca.pem, node.pem, node.key from 'mesh cluster issue-cert --role gateway')");
        directory.Check("--tls-dir", silo: false);
        return directory;
    }
}
