using System.Collections.Concurrent;
using System.Net.Sockets;
using Mesh.Gateway.Routing;

namespace Mesh.Gateway.Udp;

/// <summary>
/// One bound UDP socket (a dedicated IPv4 and port, or 0.0.0.0 and a port in wildcard mode) and
/// the flows of the clients that sent to it.
/// </summary>
internal sealed class UdpListener(ListenerKey key, Socket socket, bool wildcard)
{
    public ListenerKey Key { get; } = key;

    public Socket Socket { get; } = socket;

    /// <summary>Bound to the any-address: the dialled address comes from IP_PKTINFO and replies are sent from it explicitly.</summary>
    public bool Wildcard { get; } = wildcard;

    /// <summary>The bound address as a flow key (0 for the any-address).</summary>
    public uint Local { get; } = wildcard ? 0 : UdpTable.Key(key.Address);

    public int Port => Key.Port;

    public ConcurrentDictionary<UdpFlowKey, UdpFlow> Flows { get; } = new();

    public CancellationTokenSource Closed { get; } = new();

    public Task? ReceiveLoop { get; set; }
}
