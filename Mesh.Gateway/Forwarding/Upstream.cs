using System.Net.Sockets;

namespace Mesh.Gateway.Forwarding;

/// <summary>
/// A connected instance: the socket and the lease it holds (dispose both when the connection
/// ends); or, with no socket, why there is none (<see cref="InstanceLease.Error"/>).
/// </summary>
public sealed record Upstream(Socket? Socket, InstanceLease Lease)
{
    public ProxyError Error => Lease.Error;
}
