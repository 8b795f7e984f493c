using Mesh.Silo.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Mesh.Silo.Api;

/// <summary>
/// <c>GET /v1/metrics</c>: this silo's counters in the Prometheus text format, for the operator
/// only (hostnames are in the labels). Certificate gauges cover the certificates whose grain is
/// active on this silo, so a scraper asks every silo.
/// </summary>
internal static class MetricsEndpoints
{
    public static void Map(IEndpointRouteBuilder v1)
    {
        v1.MapGet("/metrics", (HttpContext context, SiloMeterReader reader) =>
        {
            var caller = context.Caller();
            if (!caller.IsOperator) throw ApiRefusal.Forbidden(caller, "metrics are the operator's");
            return Results.Text(reader.Scrape(), "text/plain; version=0.0.4");
        }).ExcludeFromDescription();
    }
}
