using System.Collections.Concurrent;
using Mesh.Gateway.Routing;
using Mesh.Interfaces.Config;
using Mesh.Interfaces.Model;

namespace Mesh.Gateway.Http;

/// <summary>
/// The <c>http://host:port</c> prefix YARP forwards to, per instance address and service,
/// formatted once instead of parsing the registered address and formatting a URI per request.
/// </summary>
public static class DestinationPrefixes
{
    // Addresses churn slowly; a bound keeps a long-lived gateway from collecting stale ones.
    private const int MaxEntries = 65_536;
    private static readonly ConcurrentDictionary<(string Address, string PrivateIp, int FirstPort, int ServicePort), string> Cache = new();

    public static string? For(InstanceRoute instance, AppRoute app, ServiceConfig service)
    {
        var first = app.Services.Length > 0 ? app.Services[0].InternalPort : service.InternalPort;
        var key = (instance.Address, instance.PrivateIp, first, service.InternalPort);
        if (Cache.TryGetValue(key, out var prefix)) return prefix;
        if (InstanceEndpoints.For(instance, app, service) is not { } endpoint) return null;
        if (Cache.Count >= MaxEntries) Cache.Clear();
        return Cache[key] = $"http://{endpoint}";
    }
}
