using System.Security.Cryptography;
using System.Text;
using Mesh.Gateway.Listeners;
using Mesh.Gateway.Routing;
using Mesh.Gateway.Telemetry;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Mesh.Gateway.Hosting;

/// <summary>
/// The admin endpoint's routes: <c>/healthz</c> (200 once a table is loaded), <c>/status</c>
/// (table, listeners, counters; behind <c>Mesh:Gateway:AdminToken</c> when one is set) and
/// <c>/metrics</c> (Prometheus). Health and metrics stay open: probes and scrapers hold no token.
/// </summary>
internal static class AdminEndpoints
{
    public static void MapAdminEndpoints(this WebApplication app)
    {
        var state = app.Services.GetRequiredService<GatewayState>();
        var options = app.Services.GetRequiredService<IOptions<GatewayOptions>>().Value;
        var listeners = app.Services.GetRequiredService<ListenerManager>();
        var metrics = app.Services.GetRequiredService<GatewayMetrics>();
        var udp = app.Services.GetRequiredService<Mesh.Gateway.Udp.UdpRelay>();
        var token = options.AdminToken is { Length: > 0 } t ? Digest(t) : null;

        app.MapGet("/healthz", () => state.IsReady ? Results.Text("ready\n") : Results.Text("loading route table\n", statusCode: 503));
        app.MapGet("/status", (HttpContext context) =>
        {
            if (token is not null && !Presents(context.Request, token))
            {
                context.Response.Headers.WWWAuthenticate = "Bearer";
                return Results.Unauthorized();
            }
            return Results.Json(new
            {
                region = options.Region,
                node = options.NodeId,
                ready = state.IsReady,
                tableVersion = state.Table.Version,
                tableSource = state.Source,
                stalenessSeconds = state.Staleness?.TotalSeconds,
                listeners = listeners.Bound.Select(l => l.ToString()).Order(),
                udpListeners = udp.Bound.Select(l => l.ToString()).Order(),
                activeConnections = metrics.Active,
                counters = metrics.Totals(),
            });
        });
        app.MapPrometheusScrapingEndpoint("/metrics");
    }

    /// <summary>Compares digests in constant time, so neither the token nor its length leaks through timing.</summary>
    private static bool Presents(HttpRequest request, byte[] expected)
    {
        var header = request.Headers.Authorization.ToString();
        const string scheme = "Bearer ";
        if (!header.StartsWith(scheme, StringComparison.OrdinalIgnoreCase)) return false;
        return CryptographicOperations.FixedTimeEquals(Digest(header[scheme.Length..].Trim()), expected);
    }

    private static byte[] Digest(string token) => SHA256.HashData(Encoding.UTF8.GetBytes(token));
}
