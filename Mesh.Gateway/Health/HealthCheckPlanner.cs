using Mesh.Domain.Routing;
using Mesh.Gateway.Routing;
using Mesh.Interfaces.Model;

namespace Mesh.Gateway.Health;

/// <summary>
/// Which checks a gateway runs: every <c>tcp_checks</c> and <c>http_checks</c> entry of every
/// service, for each started instance in the gateway's own region (instances elsewhere are
/// checked by their region's gateways; stopped ones get no traffic to protect). Each check dials
/// the endpoint the data path uses for that service. Pure.
/// </summary>
public static class HealthCheckPlanner
{
    public static IReadOnlyList<HealthCheckTarget> Plan(RouteTableReplica table, string region)
    {
        var targets = new List<HealthCheckTarget>();
        foreach (var instance in table.Instances.Values.OrderBy(i => i.Id, StringComparer.Ordinal))
        {
            if (instance.State != InstanceState.Started || !string.Equals(instance.Region, region, StringComparison.OrdinalIgnoreCase)) continue;
            if (!table.Apps.TryGetValue(instance.App, out var app)) continue;
            for (var s = 0; s < app.Services.Length; s++)
            {
                var service = app.Services[s];
                if (service.TcpChecks.IsEmpty && service.HttpChecks.IsEmpty) continue;
                // An address that is not HOST:PORT cannot be dialled by the data path either.
                if (InstanceEndpoints.For(instance, app, service) is not { } endpoint) continue;
                var tcp = service.TcpChecks;
                for (var c = 0; c < tcp.Length; c++)
                {
                    targets.Add(new HealthCheckTarget(Key(instance, s, "tcp", c), instance.Id, app.App,
                        $"tcp {service.InternalPort}", endpoint, tcp[c], null));
                }
                var http = service.HttpChecks;
                for (var c = 0; c < http.Length; c++)
                {
                    targets.Add(new HealthCheckTarget(Key(instance, s, "http", c), instance.Id, app.App,
                        $"http {service.InternalPort} {http[c].Method} {http[c].Path}", endpoint, null, http[c]));
                }
            }
        }
        return targets;
    }

    private static string Key(InstanceRoute instance, int service, string kind, int check) => $"{instance.Id}/{service}/{kind}/{check}";
}
