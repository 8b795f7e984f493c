using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Mesh.Tests.Gateway;

/// <summary>Small socket helpers for driving the gateway as a raw TCP client.</summary>
internal static class Wire
{
    public static async Task<Socket> ConnectAsync(string address, int port)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(IPAddress.Parse(address), port).WaitAsync(TimeSpan.FromSeconds(10));
        return socket;
    }

    /// <summary>Connects from a chosen loopback source address (any of 127/8 can be bound): another client, as the gateway sees it.</summary>
    public static async Task<Socket> ConnectFromAsync(string source, string address, int port)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        socket.Bind(new IPEndPoint(IPAddress.Parse(source), 0));
        await socket.ConnectAsync(IPAddress.Parse(address), port).WaitAsync(TimeSpan.FromSeconds(10));
        return socket;
    }

    /// <summary>Reads until the peer closes (or the deadline passes) and returns everything as text.</summary>
    public static async Task<string> ReadToEndAsync(Socket socket, TimeSpan? deadline = null)
    {
        using var cts = new CancellationTokenSource(deadline ?? TimeSpan.FromSeconds(10));
        var all = new MemoryStream();
        var buffer = new byte[8192];
        while (true)
        {
            int n;
            try
            {
                n = await socket.ReceiveAsync(buffer, SocketFlags.None, cts.Token);
            }
            catch (SocketException e) when (e.SocketErrorCode == SocketError.ConnectionReset)
            {
                // An aborted connection ends with a reset rather than a FIN: closed all the same.
                break;
            }
            if (n == 0) break;
            all.Write(buffer, 0, n);
        }
        return Encoding.ASCII.GetString(all.ToArray());
    }

    /// <summary>Reads one line (the test apps' banner).</summary>
    public static async Task<string> ReadLineAsync(Socket socket)
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var line = new StringBuilder();
        var one = new byte[1];
        while (await socket.ReceiveAsync(one, SocketFlags.None, cts.Token) == 1 && one[0] != '\n')
        {
            line.Append((char)one[0]);
        }
        return line.ToString();
    }

    /// <summary>The banner of whichever instance answers a new connection.</summary>
    public static async Task<string> BannerAsync(string address, int port)
    {
        using var socket = await ConnectAsync(address, port);
        return await ReadLineAsync(socket);
    }

    /// <summary>True when the connection is refused or closed before any byte (nothing serves there).</summary>
    public static async Task<bool> IsClosedAsync(string address, int port)
    {
        try
        {
            using var socket = await ConnectAsync(address, port);
            await socket.SendAsync(Encoding.ASCII.GetBytes("ping\n"));
            return (await ReadToEndAsync(socket, TimeSpan.FromSeconds(5))).Length == 0;
        }
        catch (SocketException)
        {
            return true;
        }
    }
}
