using System.Net;
using System.Net.Sockets;
using Mesh.Gateway.Routing;
using Mesh.Interfaces.Model;

namespace Mesh.Gateway.Udp;

/// <summary>
/// A client address:port pinned to one instance: the upstream socket connected to that instance
/// (its replies map back to this client by the socket they arrive on), the client's socket
/// address to reply to, and the concurrency slot it holds. The flow is re-checked against the
/// table once per table version: a stopped, failing or ejected instance, or a released
/// address, closes it, and the next datagram opens a new one.
/// </summary>
internal sealed class UdpFlow(
    UdpListener listener,
    UdpFlowKey key,
    SocketAddress client,
    UdpRoute route,
    InstanceRoute instance,
    IPEndPoint endpoint,
    Socket upstream,
    InstanceLoad load,
    UdpTable checkedAgainst,
    long now)
{
    private long _lastActivity = now;
    private int _closed;
    private volatile UdpTable _checkedAgainst = checkedAgainst;

    public UdpListener Listener { get; } = listener;

    public UdpFlowKey Key { get; } = key;

    /// <summary>Where replies go (serialized once, when the flow opens).</summary>
    public SocketAddress Client { get; } = client;

    public UdpRoute Route { get; set; } = route;

    public InstanceRoute Instance { get; } = instance;

    public IPEndPoint Endpoint { get; } = endpoint;

    public Socket Upstream { get; } = upstream;

    public InstanceLoad Load { get; } = load;

    public string App => Route.AppName;

    /// <summary>The table this flow was last found valid in (re-checked when the table changes).</summary>
    public UdpTable CheckedAgainst
    {
        get => _checkedAgainst;
        set => _checkedAgainst = value;
    }

    public long LastActivity => Volatile.Read(ref _lastActivity);

    public bool IsClosed => Volatile.Read(ref _closed) != 0;

    public void Touch(long now) => Volatile.Write(ref _lastActivity, now);

    /// <summary>True for the one caller that closes the flow.</summary>
    public bool TryClose() => Interlocked.Exchange(ref _closed, 1) == 0;
}
