using Mesh.Gateway.Routing;

namespace Mesh.Gateway.Udp;

/// <summary>
/// Where datagrams to one dedicated IPv4 address and port go: the app, its UDP service and the
/// port entry (as a <see cref="PortRoute"/>, so the TCP picker and load board serve it unchanged),
/// and the public port, which an <c>internal_port = 0</c> service forwards to unchanged.
/// </summary>
public sealed record UdpRoute(PortRoute Route, int PublicPort)
{
    public string AppName => Route.AppName;
}
