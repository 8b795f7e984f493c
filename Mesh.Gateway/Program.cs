using System.Net;
using Mesh.Gateway.Acme;
using Mesh.Gateway.Connections;
using Mesh.Gateway.Health;
using Mesh.Gateway.Dns;
using Mesh.Gateway.Hosting;
using Mesh.Gateway.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Mesh.Gateway.Listeners;
using Mesh.Gateway.Routing;
using Mesh.Gateway.Telemetry;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OpenTelemetry.Metrics;

var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = [] });
builder.Configuration.AddCommandLine(args, GatewayCluster.Switches);
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

builder.Services.Configure<GatewayOptions>(builder.Configuration.GetSection(GatewayOptions.Section));
// Serve from the last good table while the cluster is unreachable: Kestrel must not wait
// for the Orleans client to connect (spike G9).
builder.Services.Configure<HostOptions>(o => o.ServicesStartConcurrently = true);
try
{
    GatewayCluster.Configure(builder);
}
catch (Mesh.Domain.MeshException e)
{
    Console.Error.WriteLine($"mesh-gateway: {e.Message}");
    return 1;
}

builder.Services.AddSingleton(TimeProvider.System);
builder.Services.AddSingleton<GatewayState>();
builder.Services.AddSingleton<TableFactory>();
builder.Services.AddSingleton<GatewayInstanceRules>();
builder.Services.Configure<Mesh.Domain.Instances.InstanceAddressOptions>(builder.Configuration.GetSection(Mesh.Domain.Instances.InstanceAddressOptions.Section));
builder.Services.AddHostedService<ClusterNodesWatcher>();
builder.Services.AddSingleton(sp => new LastGoodTableStore(
    LastGoodTableStore.DirectoryFor(builder.Configuration, sp.GetRequiredService<IOptions<GatewayOptions>>().Value),
    sp.GetRequiredService<Orleans.Serialization.Serializer>(),
    sp.GetRequiredService<ILogger<LastGoodTableStore>>()));
builder.Services.AddSingleton<LastGoodTableWriter>();
builder.Services.AddHostedService(sp => sp.GetRequiredService<LastGoodTableWriter>());
builder.Services.AddSingleton<GatewayMetrics>();
builder.Services.AddSingleton<ConnectionFailures>();
builder.Services.AddSingleton<GatewayTransport>();
builder.Services.AddSingleton<IConnectionListenerFactory>(sp => sp.GetRequiredService<GatewayTransport>());
builder.Services.AddSingleton<CertificateCache>();
builder.Services.AddSingleton<TlsOptionsSelector>();
builder.Services.AddSingleton<ClientHelloStage>();
builder.Services.AddSingleton<AppConnectionLimiter>();
builder.Services.AddSingleton<PostgresSessions>();
builder.Services.AddSingleton<PostgresPreambleMiddleware>();
builder.Services.AddSingleton<ProxyProtocolReceiveMiddleware>();
builder.Services.AddSingleton<UpstreamConnector>();
builder.Services.AddSingleton<ListenerManager>();
builder.Services.AddHttpForwarder();
builder.Services.AddSingleton<UpstreamHttpClient>();
builder.Services.Configure<Mesh.Gateway.Http1.FastPathOptions>(builder.Configuration.GetSection(Mesh.Gateway.Http1.FastPathOptions.Section));
builder.Services.AddSingleton<Mesh.Gateway.Http1.UpstreamPool>();
builder.Services.AddSingleton<Mesh.Gateway.Http1.Http1FastPath>();
builder.Services.Configure<Mesh.Gateway.Http1.KestrelUpstreamOptions>(builder.Configuration.GetSection(Mesh.Gateway.Http1.KestrelUpstreamOptions.Section));
builder.Services.AddSingleton<Mesh.Gateway.Http1.KestrelUpstreamForwarder>();
builder.Services.AddHostedService(sp => sp.GetRequiredService<ListenerManager>());
builder.Services.AddHostedService<RouteTableSync>();
builder.Services.Configure<Mesh.Gateway.Udp.UdpOptions>(builder.Configuration.GetSection(Mesh.Gateway.Udp.UdpOptions.Section));
builder.Services.AddSingleton<Mesh.Gateway.Udp.UdpRelay>();
builder.Services.AddHostedService(sp => sp.GetRequiredService<Mesh.Gateway.Udp.UdpRelay>());
builder.Services.AddHostedService<Mesh.Gateway.Regions.RttProber>();
builder.Services.AddSingleton<HttpProbe>();
builder.Services.AddSingleton<IHealthProbe, HealthProbe>();
builder.Services.AddSingleton<IHealthReporter, ClusterHealthReporter>();
builder.Services.AddHostedService<HealthCheckService>();
// The .internal DNS server runs only where Mesh:Gateway:Dns:Listen names endpoints.
var dnsOptions = InternalDnsOptions.From(builder.Configuration.GetSection(InternalDnsOptions.Section));
if (dnsOptions.Listen.Count > 0)
{
    builder.Services.AddSingleton(Options.Create(dnsOptions));
    builder.Services.AddHostedService<InternalDnsServer>();
}
builder.Services.AddOpenTelemetry().WithMetrics(m => m.AddMeter(GatewayMetrics.MeterName).AddPrometheusExporter());

var adminPort = builder.Configuration.GetValue<int?>($"{GatewayOptions.Section}:AdminPort") ?? new GatewayOptions().AdminPort;
var adminAddressText = builder.Configuration[$"{GatewayOptions.Section}:AdminAddress"] ?? new GatewayOptions().AdminAddress;
if (!IPAddress.TryParse(adminAddressText, out var adminAddress))
{
    Console.Error.WriteLine($"mesh-gateway: Mesh:Gateway:AdminAddress '{adminAddressText}' is not an IP address");
    return 1;
}
try
{
    // A bad Mesh:Instances value stops the gateway here, in one line, not at its first table.
    Mesh.Domain.Instances.InstanceAddressPolicy.From(
        builder.Configuration.GetSection(Mesh.Domain.Instances.InstanceAddressOptions.Section).Get<Mesh.Domain.Instances.InstanceAddressOptions>() ?? new(), [], []);
}
catch (Mesh.Domain.MeshException e)
{
    Console.Error.WriteLine($"mesh-gateway: {e.Message}");
    return 1;
}
TrustedProxies trustedProxies;
try
{
    trustedProxies = TrustedProxies.Parse(builder.Configuration[$"{GatewayOptions.Section}:TrustedProxies"]);
}
catch (FormatException e)
{
    Console.Error.WriteLine($"mesh-gateway: {e.Message}");
    return 1;
}
builder.WebHost.ConfigureKestrel(kestrel =>
{
    var tls = kestrel.ApplicationServices.GetRequiredService<TlsOptionsSelector>();
    var gatewayOptions = kestrel.ApplicationServices.GetRequiredService<IOptions<GatewayOptions>>().Value;
    var failures = kestrel.ApplicationServices.GetRequiredService<ConnectionFailures>();
    var clientHello = kestrel.ApplicationServices.GetRequiredService<ClientHelloStage>().Middleware;
    // Responses carry our Server header (or the app's), not Kestrel's.
    kestrel.AddServerHeader = false;
    // The h2c stub TLS features make Kestrel see "https" on cleartext ports (notes G1); the
    // scheme sent to apps comes from the listener kind instead.
    kestrel.AllowAlternateSchemes = true;
    // An absolute-form target names the host (RFC 9112 §3.2.2): route by its authority, not 400.
    kestrel.AllowHostHeaderOverride = true;
    kestrel.Limits.RequestHeadersTimeout = gatewayOptions.HandshakeTimeout;
    // First stage of every pipeline (a no-op unless Mesh:Gateway:AcceptProxyProtocol is set).
    var proxyIn = kestrel.ApplicationServices.GetRequiredService<ProxyProtocolReceiveMiddleware>().Middleware;
    // HTTP/1.x connections end here on the gateway's own handler unless Mesh:Gateway:Http:FastPath is false; h2/h2c go on to Kestrel.
    var fastPath = kestrel.ApplicationServices.GetRequiredService<Mesh.Gateway.Http1.Http1FastPath>();
    kestrel.Listen(new PipelineEndPoint(ListenerKind.Http), lo =>
    {
        lo.Protocols = HttpProtocols.Http1AndHttp2;
        lo.Use(proxyIn);
        lo.Use(H2cSniffMiddleware.Create(gatewayOptions.HandshakeTimeout));
        lo.Use(fastPath.Middleware(https: false));
    });
    kestrel.Listen(new PipelineEndPoint(ListenerKind.Https), lo =>
    {
        lo.Protocols = HttpProtocols.Http1AndHttp2;
        lo.Use(proxyIn);
        lo.Use(TlsFailureCounter.Middleware(failures));
        lo.Use(clientHello);
        lo.UseHttps(tls.CallbackOptions);
        lo.Use(TlsFailureCounter.MarkHandshook);
        lo.Use(AcmeHandshakeOnly.Middleware);
        lo.Use(fastPath.Middleware(https: true));
    });
    kestrel.Listen(new PipelineEndPoint(ListenerKind.Tcp), lo =>
    {
        lo.Use(proxyIn);
        lo.UseConnectionHandler<ProxyConnectionHandler>();
    });
    kestrel.Listen(new PipelineEndPoint(ListenerKind.Tls), lo =>
    {
        lo.Use(proxyIn);
        lo.Use(TlsFailureCounter.Middleware(failures));
        lo.Use(clientHello);
        lo.UseHttps(tls.CallbackOptions);
        lo.Use(TlsFailureCounter.MarkHandshook);
        lo.Use(AcmeHandshakeOnly.Middleware);
        lo.UseConnectionHandler<ProxyConnectionHandler>();
    });
    kestrel.Listen(new PipelineEndPoint(ListenerKind.PgTls), lo =>
    {
        lo.Use(proxyIn);
        lo.Use(kestrel.ApplicationServices.GetRequiredService<PostgresPreambleMiddleware>().Middleware);
        lo.Use(TlsFailureCounter.Middleware(failures));
        lo.Use(clientHello);
        lo.UseHttps(tls.CallbackOptions);
        lo.Use(TlsFailureCounter.MarkHandshook);
        lo.Use(AcmeHandshakeOnly.Middleware);
        lo.UseConnectionHandler<ProxyConnectionHandler>();
    });
    // The admin endpoint: health, status and metrics; loopback unless an operator network is named.
    kestrel.Listen(adminAddress, adminPort);
});

var app = builder.Build();
app.UseMiddleware<HttpProxyMiddleware>();
// Routing only after the proxy: WebApplication would otherwise put endpoint matching in front of
// every proxied request, for the admin endpoints' sake.
app.UseRouting();
app.MapAdminEndpoints();

var state = app.Services.GetRequiredService<GatewayState>();
var options = app.Services.GetRequiredService<IOptions<GatewayOptions>>().Value;
// The Orleans client's start waits for the cluster; with a table from disk the gateway is ready
// before that, once Kestrel has bound the admin endpoint.
if (options.AcceptProxyProtocol && trustedProxies.TrustsEveryone)
{
    // Kept working for existing set-ups behind a private balancer, but said: anyone who can reach
    // the listeners can claim any client address.
    app.Logger.LogWarning("AcceptProxyProtocol is on and Mesh:Gateway:TrustedProxies is empty: PROXY headers from every source are trusted");
}
var starting = app.StartAsync();
var admin = await AdminAddress.WhenBoundAsync(app.Services.GetRequiredService<IServer>(), starting);
await Task.WhenAny(starting, state.Ready);
if (starting.IsFaulted) await starting;
await state.Ready;
// Tests and scripts wait for this line.
Console.WriteLine($"mesh-gateway ready region={options.Region} admin={admin} table={state.Table.Version} source={state.Source} listeners={state.Table.Listeners.Count}");
await app.WaitForShutdownAsync();
return 0;
