using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Server.Kestrel.Transport.Sockets;

namespace Mesh.Silo.Api;

/// <summary>
/// The API's listening socket when the port is left to the kernel (port 0): bound as soon as the
/// settings are read, because the instance-address policy must know the port before the silo
/// starts, and handed to Kestrel as it is. Releasing a probe and binding the port again later lost
/// it to whatever other process took it in between ("address already in use" on a busy machine).
/// </summary>
public sealed class ReservedListenSocket
{
    private Socket? _socket;

    private ReservedListenSocket(Socket socket, IPEndPoint endpoint)
    {
        _socket = socket;
        Endpoint = endpoint;
    }

    public IPEndPoint Endpoint { get; }

    public static ReservedListenSocket Bind(IPAddress address)
    {
        var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            socket.Bind(new IPEndPoint(address, 0));
            // Listening at once is what holds the port: .NET binds with SO_REUSEADDR, so a socket
            // that is only bound does not stop another from binding the same port. Connections
            // made before Kestrel starts wait in the backlog. Kestrel listens again, which only
            // sets its backlog.
            socket.Listen();
            return new ReservedListenSocket(socket, (IPEndPoint)socket.LocalEndPoint!);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Kestrel's socket factory: the reserved socket for its endpoint (once; Kestrel listens on it
    /// and owns it from then on), a fresh default socket for any other endpoint.
    /// </summary>
    public Socket CreateBoundListenSocket(EndPoint endpoint)
    {
        if (endpoint is IPEndPoint ip && ip.Equals(Endpoint) && Interlocked.Exchange(ref _socket, null) is { } reserved)
        {
            return reserved;
        }
        return SocketTransportOptions.CreateDefaultBoundListenSocket(endpoint);
    }
}
