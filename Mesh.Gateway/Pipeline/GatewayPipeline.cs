using Mesh.Gateway.Acme;
using Mesh.Gateway.Connections;
using Mesh.Gateway.Hosting;
using Mesh.Gateway.Http;
using Mesh.Gateway.Http1;
using Mesh.Gateway.Listeners;
using Mesh.Gateway.Routing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Mesh.Gateway.Pipeline;

/// <summary>
/// Every listener kind and its stages, in order: the one place to read the data path.
/// <code>
/// accept (ListenerManager: kind → IListenerFeature, global cap, Flycast source check)
///   → PROXY in (when AcceptProxyProtocol; trusted sources only)
///   → [pg_tls: SSLRequest preamble]
///   → [TLS: failure count → ClientHello peek and TLS choice (the route, once, into IRouteFeature) → handshake → ACME-only close]
///   → https with DirectTls, no PROXY in and no TLS-ALPN-01 challenge open: no Kestrel transport: failure count → TLS on the socket (DirectTlsStage, same choice) → the http stages below
///   → tcp with DirectTcp and no PROXY in: no Kestrel pipe at all (ListenerManager runs the same route stage and handler) → SocketPump (splice)
///   → tcp, tls, pg_tls: route (IRouteFeature unless TLS set it) → ProxyConnectionHandler → forward (UpstreamConnector) → pump
///   → http, https:      HTTP/1.x: Http1FastPath (Kestrel's parser on the connection's pipes; route per request by Host) → forward (UpstreamSelector + pooled upstream connections)
///                       h2, h2c (or FastPath off): Kestrel HTTP → HttpProxyMiddleware (route per request by Host) → forward (UpstreamSelector + YARP)
/// admin: Kestrel HTTP on its own address → AdminEndpoints (/healthz, /status, /metrics)
/// </code>
/// Every pipeline endpoint is virtual (<see cref="PipelineEndPoint"/>): the listener manager
/// accepts on the table's sockets and hands each connection to the pipeline of its port's kind.
/// </summary>
internal static class GatewayPipeline
{
    /// <summary>The connection stages of every listener kind, and the admin endpoint.</summary>
    public static void Listen(KestrelServerOptions kestrel, StartupChecks settings)
    {
        var services = kestrel.ApplicationServices;
        var gateway = services.GetRequiredService<IOptions<GatewayOptions>>().Value;
        var failures = services.GetRequiredService<Telemetry.ConnectionFailures>();
        var tls = services.GetRequiredService<TlsOptionsSelector>();
        var proxyIn = services.GetRequiredService<ProxyProtocolReceiveMiddleware>().Middleware;
        var clientHello = services.GetRequiredService<ClientHelloStage>().Middleware;
        var pgPreamble = services.GetRequiredService<PostgresPreambleMiddleware>().Middleware;
        var route = services.GetRequiredService<RouteStage>().Middleware;
        var directTls = services.GetRequiredService<DirectTlsStage>().Middleware;
        // HTTP/1.x connections end on the gateway's own handler unless Mesh:Gateway:Http:FastPath is false; h2/h2c go on to Kestrel.
        var fastPath = services.GetRequiredService<Http1FastPath>();

        // Responses carry our Server header (or the app's), not Kestrel's.
        kestrel.AddServerHeader = false;
        // The h2c stub TLS features make Kestrel see "https" on cleartext ports (notes G1); the
        // scheme sent to apps comes from the listener kind instead.
        kestrel.AllowAlternateSchemes = true;
        // An absolute-form target names the host (RFC 9112 §3.2.2): route by its authority, not 400.
        kestrel.AllowHostHeaderOverride = true;
        kestrel.Limits.RequestHeadersTimeout = gateway.HandshakeTimeout;

        // The TLS stages are the same on tls, pg_tls and tls+http ports: Kestrel's TLS stage closes
        // a failed handshake without calling on, so the failure count wraps it.
        kestrel.Listen(new PipelineEndPoint(ListenerKind.Http), lo =>
        {
            lo.Protocols = HttpProtocols.Http1AndHttp2;
            lo.Use(proxyIn);
            lo.Use(H2cSniffMiddleware.Create(gateway.HandshakeTimeout));
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
        // The same https port with TLS on the socket (ListenerManager picks it per connection): no
        // transport pipe under the TLS stream, the same stages after it. No ACME-only close: these
        // connections are accepted only while no TLS-ALPN-01 challenge is open, so acme-tls/1 is never chosen.
        kestrel.Listen(new PipelineEndPoint(ListenerKind.Https, directTls: true), lo =>
        {
            lo.Protocols = HttpProtocols.Http1AndHttp2;
            lo.Use(TlsFailureCounter.Middleware(failures));
            lo.Use(directTls);
            lo.Use(TlsFailureCounter.MarkHandshook);
            lo.Use(fastPath.Middleware(https: true));
        });
        kestrel.Listen(new PipelineEndPoint(ListenerKind.Tcp), lo =>
        {
            lo.Use(proxyIn);
            lo.Use(route);
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
            lo.Use(route);
            lo.UseConnectionHandler<ProxyConnectionHandler>();
        });
        kestrel.Listen(new PipelineEndPoint(ListenerKind.PgTls), lo =>
        {
            lo.Use(proxyIn);
            lo.Use(pgPreamble);
            lo.Use(TlsFailureCounter.Middleware(failures));
            lo.Use(clientHello);
            lo.UseHttps(tls.CallbackOptions);
            lo.Use(TlsFailureCounter.MarkHandshook);
            lo.Use(AcmeHandshakeOnly.Middleware);
            lo.Use(route);
            lo.UseConnectionHandler<ProxyConnectionHandler>();
        });
        // The admin endpoint: health, status and metrics; loopback unless an operator network is named.
        kestrel.Listen(settings.AdminAddress, settings.AdminPort);
    }

    /// <summary>The request stages of the HTTP listeners and the admin endpoint, which share Kestrel's request pipeline.</summary>
    public static void UseGatewayPipeline(this WebApplication app)
    {
        // Only requests from an http or https listener; the rest (the admin endpoint) fall through.
        app.UseMiddleware<HttpProxyMiddleware>();
        // Routing only after the proxy: WebApplication would otherwise put endpoint matching in front of
        // every proxied request, for the admin endpoints' sake.
        app.UseRouting();
        app.MapAdminEndpoints();
    }
}
