using System.Net;
using Mesh.Gateway.Routing;
using Mesh.Interfaces.Model;

namespace Mesh.Gateway.Udp;

/// <summary>
/// Where a flow's datagrams go on an instance: the endpoint TCP would dial for the service
/// (<see cref="InstanceEndpoints"/>), except that <c>internal_port = 0</c> (corpus 021, a UDP
/// range) forwards to the public port unchanged, as the mirrored platform does for UDP ("the
/// port is not rewritten, only the address").
/// </summary>
public static class UdpEndpoints
{
    public static IPEndPoint? For(InstanceRoute instance, UdpRoute route)
    {
        if (InstanceEndpoints.For(instance, route.Route.App, route.Route.Service) is not { } endpoint) return null;
        return route.Route.Service.InternalPort == 0 ? new IPEndPoint(endpoint.Address, route.PublicPort) : endpoint;
    }
}
