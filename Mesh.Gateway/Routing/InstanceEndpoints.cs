using System.Net;
using System.Runtime.CompilerServices;
using Mesh.Interfaces.Config;
using Mesh.Interfaces.Model;

namespace Mesh.Gateway.Routing;

/// <summary>
/// Where to dial an instance for one service. An instance is registered at HOST:PORT, where PORT
/// is the app's first service's <c>internal_port</c> as the instance exposes it; every other
/// service keeps its distance from that port. An instance that binds its real internal ports
/// (PORT = internal_port) is therefore dialled at HOST:internal_port for every service, as on
/// the mirrored platform, and one registered on a shifted port (many instances on one loopback
/// host) keeps working for every service. An instance registered at an unspecified host
/// (<c>[::]:8080</c>, <c>0.0.0.0:8080</c>: "listening on every address") is dialled at its
/// private 6PN address, the way gateways reach machines over the private network.
/// </summary>
public static class InstanceEndpoints
{
    // The data path asks per request; an instance's endpoints change only with the route table,
    // which builds new InstanceRoute objects, so the answer is kept with the instance object.
    private static readonly ConditionalWeakTable<InstanceRoute, Entry> Memo = new();

    private sealed record Entry(AppRoute App, ServiceConfig Service, IPEndPoint? EndPoint);

    /// <summary><see cref="For"/>, kept with the instance for the last app and service it was asked for (nothing allocated on a hit).</summary>
    public static IPEndPoint? Cached(InstanceRoute instance, AppRoute app, ServiceConfig service)
    {
        if (Memo.TryGetValue(instance, out var entry) && ReferenceEquals(entry.App, app) && ReferenceEquals(entry.Service, service)) return entry.EndPoint;
        var endPoint = For(instance, app, service);
        Memo.AddOrUpdate(instance, new Entry(app, service, endPoint));
        return endPoint;
    }

    public static IPEndPoint? For(InstanceRoute instance, AppRoute app, ServiceConfig service)
    {
        if (!IPEndPoint.TryParse(instance.Address, out var registered)) return null;
        var first = app.Services.Length > 0 ? app.Services[0].InternalPort : service.InternalPort;
        var port = registered.Port + (service.InternalPort - first);
        var host = registered.Address;
        if ((host.Equals(IPAddress.IPv6Any) || host.Equals(IPAddress.Any)) && IPAddress.TryParse(instance.PrivateIp, out var privateIp)) host = privateIp;
        return new IPEndPoint(host, port is > 0 and <= 65535 ? port : registered.Port);
    }
}
