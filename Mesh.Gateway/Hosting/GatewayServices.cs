using Mesh.Gateway.Acme;
using Mesh.Gateway.Connections;
using Mesh.Gateway.Dns;
using Mesh.Gateway.Forwarding;
using Mesh.Gateway.Health;
using Mesh.Gateway.Http;
using Mesh.Gateway.Listeners;
using Mesh.Gateway.Pipeline;
using Mesh.Gateway.Routing;
using Mesh.Gateway.Telemetry;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Connections;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OpenTelemetry.Metrics;

namespace Mesh.Gateway.Hosting;

/// <summary>The gateway's services, logging filters and the Orleans client; the listeners themselves are <see cref="GatewayPipeline"/>.</summary>
internal static class GatewayServices
{
    /// <exception cref="Mesh.Domain.MeshException">The cluster settings are unusable (said in one line).</exception>
    public static WebApplicationBuilder AddMeshGateway(this WebApplicationBuilder builder)
    {
        builder.Logging.AddFilter("Orleans", LogLevel.Warning);
        builder.Logging.AddFilter("Microsoft", LogLevel.Warning);
        builder.Logging.AddFilter("Polly", LogLevel.Warning);
        // A connect attempt per second while the cluster is down, each with a stack trace; the sync loop
        // says once that the control plane is unreachable.
        builder.Logging.AddFilter("Orleans.Runtime.Messaging.ConnectionManager", LogLevel.Error);
        // YARP logs every forwarded request at Information: a console write (and its lock) per request.
        builder.Logging.AddFilter("Yarp", LogLevel.Warning);
        // ASP.NET Core hosting starts an Activity and a logging scope (two AsyncLocal writes and a
        // quarter of the allocations of a proxied request) whenever its logger is enabled at all; it
        // only logs request starts and ends, which a gateway does not want per request anyway.
        builder.Logging.AddFilter("Microsoft.AspNetCore.Hosting.Diagnostics", LogLevel.None);

        var services = builder.Services;
        services.Configure<GatewayOptions>(builder.Configuration.GetSection(GatewayOptions.Section));
        // Serve from the last good table while the cluster is unreachable: Kestrel must not wait
        // for the Orleans client to connect (spike G9).
        services.Configure<HostOptions>(o => o.ServicesStartConcurrently = true);
        GatewayCluster.Configure(builder);

        // The route table: state, sync, last good copy on disk.
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton<GatewayState>();
        services.AddSingleton<TableFactory>();
        services.AddSingleton<GatewayInstanceRules>();
        services.Configure<Mesh.Domain.Instances.InstanceAddressOptions>(builder.Configuration.GetSection(Mesh.Domain.Instances.InstanceAddressOptions.Section));
        services.AddHostedService<ClusterNodesWatcher>();
        services.AddSingleton(sp => new LastGoodTableStore(
            LastGoodTableStore.DirectoryFor(builder.Configuration, sp.GetRequiredService<IOptions<GatewayOptions>>().Value),
            sp.GetRequiredService<Orleans.Serialization.Serializer>(),
            sp.GetRequiredService<ILogger<LastGoodTableStore>>()));
        services.AddSingleton<LastGoodTableWriter>();
        services.AddHostedService(sp => sp.GetRequiredService<LastGoodTableWriter>());
        services.AddHostedService<RouteTableSync>();

        // Telemetry.
        services.AddSingleton<GatewayMetrics>();
        services.AddSingleton<ConnectionFailures>();
        services.AddOpenTelemetry().WithMetrics(m => m.AddMeter(GatewayMetrics.MeterName).AddPrometheusExporter());

        // The stages of GatewayPipeline, in its order.
        services.AddSingleton<GatewayTransport>();
        services.AddSingleton<IConnectionListenerFactory>(sp => sp.GetRequiredService<GatewayTransport>());
        services.AddSingleton<ListenerManager>();
        services.AddHostedService(sp => sp.GetRequiredService<ListenerManager>());
        services.AddSingleton<ProxyProtocolReceiveMiddleware>();
        services.AddSingleton<PostgresSessions>();
        services.AddSingleton<PostgresPreambleMiddleware>();
        services.AddSingleton<CertificateCache>();
        services.AddSingleton<TlsOptionsSelector>();
        services.AddSingleton<ClientHelloStage>();
        services.AddSingleton<DirectTlsStage>();
        services.AddSingleton<RouteStage>();

        // Forwarding: one selector and connector for every path.
        services.AddSingleton<AppConnectionLimiter>();
        services.AddSingleton<UpstreamSelector>();
        services.AddSingleton<UpstreamConnector>();
        services.AddHttpForwarder();
        services.AddSingleton<UpstreamHttpClient>();
        services.Configure<Mesh.Gateway.Http1.FastPathOptions>(builder.Configuration.GetSection(Mesh.Gateway.Http1.FastPathOptions.Section));
        services.AddSingleton<Mesh.Gateway.Http1.UpstreamPool>();
        services.AddSingleton<Connections.DeadlineSweeper>();
        services.AddSingleton<Mesh.Gateway.Http1.Http1FastPath>();
        services.Configure<Mesh.Gateway.Http1.KestrelUpstreamOptions>(builder.Configuration.GetSection(Mesh.Gateway.Http1.KestrelUpstreamOptions.Section));
        services.AddSingleton<Mesh.Gateway.Http1.KestrelUpstreamForwarder>();

        // UDP, RTT probes, health checks.
        services.Configure<Mesh.Gateway.Udp.UdpOptions>(builder.Configuration.GetSection(Mesh.Gateway.Udp.UdpOptions.Section));
        services.AddSingleton<Mesh.Gateway.Udp.UdpRelay>();
        services.AddHostedService(sp => sp.GetRequiredService<Mesh.Gateway.Udp.UdpRelay>());
        services.AddHostedService<Mesh.Gateway.Regions.RttProber>();
        services.AddSingleton<HttpProbe>();
        services.AddSingleton<IHealthProbe, HealthProbe>();
        services.AddSingleton<IHealthReporter, ClusterHealthReporter>();
        services.AddHostedService<HealthCheckService>();

        // The .internal DNS server runs only where Mesh:Gateway:Dns:Listen names endpoints.
        var dnsOptions = InternalDnsOptions.From(builder.Configuration.GetSection(InternalDnsOptions.Section));
        if (dnsOptions.Listen.Count > 0)
        {
            services.AddSingleton(Options.Create(dnsOptions));
            services.AddHostedService<InternalDnsServer>();
        }
        return builder;
    }
}
