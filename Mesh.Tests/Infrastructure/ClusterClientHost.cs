using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans.Configuration;
using StackExchange.Redis;

namespace Mesh.Tests.Infrastructure;

/// <summary>An Orleans client of a Redis-clustered mesh, as an app using the SDK would hold one.</summary>
internal sealed class ClusterClientHost(IHost host) : IAsyncDisposable
{
    public IClusterClient Client { get; } = host.Services.GetRequiredService<IClusterClient>();

    public static async Task<ClusterClientHost> ConnectAsync(string redis, string serviceId)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Logging.ClearProviders();
        builder.UseOrleansClient(c =>
        {
            c.Configure<ClusterOptions>(o => { o.ClusterId = serviceId; o.ServiceId = serviceId; });
            c.UseRedisClustering(o => o.ConfigurationOptions = ConfigurationOptions.Parse(redis));
            c.Configure<ClientMessagingOptions>(o => o.ResponseTimeout = TimeSpan.FromSeconds(10));
        });
        var host = builder.Build();
        await host.StartAsync();
        return new ClusterClientHost(host);
    }

    /// <summary>A client of an embedded silo (localhost clustering on its gateway port).</summary>
    public static async Task<ClusterClientHost> ConnectEmbeddedAsync(int gatewayPort)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Logging.ClearProviders();
        builder.UseOrleansClient(c =>
        {
            c.UseLocalhostClustering(gatewayPort, "mesh", "mesh");
            c.Configure<ClientMessagingOptions>(o => o.ResponseTimeout = TimeSpan.FromSeconds(10));
        });
        var host = builder.Build();
        await host.StartAsync();
        return new ClusterClientHost(host);
    }

    public async ValueTask DisposeAsync()
    {
        await host.StopAsync(TimeSpan.FromSeconds(5));
        host.Dispose();
    }
}
