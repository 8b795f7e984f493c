using Mesh.Security;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans.Configuration;
using StackExchange.Redis;

namespace Mesh.Tests.Infrastructure;

/// <summary>An Orleans client of a mesh, as an operator tool using the SDK would hold one: it presents an operator certificate.</summary>
internal sealed class ClusterClientHost(IHost host) : IAsyncDisposable
{
    public IClusterClient Client { get; } = host.Services.GetRequiredService<IClusterClient>();

    /// <summary>A client of a Redis-clustered mesh presenting the certificate of <paramref name="tlsDir"/>.</summary>
    public static Task<ClusterClientHost> ConnectAsync(string redis, string serviceId, string tlsDir) =>
        ConnectAsync(c =>
        {
            c.Configure<ClusterOptions>(o => { o.ClusterId = serviceId; o.ServiceId = serviceId; });
            c.UseRedisClustering(o => o.ConfigurationOptions = ConfigurationOptions.Parse(redis));
        }, c => c.UseClusterTls(new NodeTlsDirectory(tlsDir)));

    /// <summary>A client of an embedded silo (localhost clustering on its gateway port) with the data directory's operator certificate.</summary>
    public static Task<ClusterClientHost> ConnectEmbeddedAsync(int gatewayPort, string dataDir) =>
        ConnectEmbeddedAsync(gatewayPort, c => c.UseClusterTls(EmbeddedTls.NodeDirectory(dataDir, NodeRole.Operator)));

    /// <summary>A client of an embedded silo with whatever transport security <paramref name="tls"/> sets up (or none).</summary>
    public static Task<ClusterClientHost> ConnectEmbeddedAsync(int gatewayPort, Action<IClientBuilder>? tls, TimeSpan? connectTimeout = null) =>
        ConnectAsync(c => c.UseLocalhostClustering(gatewayPort, "mesh", "mesh"), tls, connectTimeout);

    private static async Task<ClusterClientHost> ConnectAsync(Action<IClientBuilder> clustering, Action<IClientBuilder>? tls, TimeSpan? connectTimeout = null)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Logging.ClearProviders();
        builder.UseOrleansClient(c =>
        {
            clustering(c);
            tls?.Invoke(c);
            c.Configure<ClientMessagingOptions>(o => o.ResponseTimeout = TimeSpan.FromSeconds(10));
            // A test that expects a refusal sees the first one, instead of Orleans retrying until the timeout.
            if (connectTimeout is not null) c.UseConnectionRetryFilter((_, _) => Task.FromResult(false));
        });
        var host = builder.Build();
        // A refused handshake makes Orleans retry for minutes; a test that expects the refusal should not wait them out.
        using var connecting = new CancellationTokenSource(connectTimeout ?? TimeSpan.FromSeconds(30));
        try
        {
            await host.StartAsync(connecting.Token);
        }
        catch
        {
            host.Dispose();
            throw;
        }
        return new ClusterClientHost(host);
    }

    public async ValueTask DisposeAsync()
    {
        await host.StopAsync(TimeSpan.FromSeconds(5));
        host.Dispose();
    }
}
