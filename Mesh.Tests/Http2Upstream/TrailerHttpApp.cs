using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Mesh.Tests.Http2Upstream;

/// <summary>
/// An HTTP/1.1 app on a free loopback port that answers every request with a chunked body and a
/// trailer (<c>X-Checksum: abc123</c>), as gRPC-web or a streaming app would, keeping the
/// connection alive. Written on a raw socket: Kestrel sends no HTTP/1.1 trailers.
/// </summary>
internal sealed class TrailerHttpApp : IAsyncDisposable
{
    private static readonly byte[] Answer = Encoding.ASCII.GetBytes(
        "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nTrailer: X-Checksum\r\nTransfer-Encoding: chunked\r\n\r\n"
        + "6\r\nhello \r\n5\r\nworld\r\n0\r\nX-Checksum: abc123\r\n\r\n");

    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly List<Socket> _sockets = [];

    public string Address => $"127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}";

    public static TrailerHttpApp Start()
    {
        var app = new TrailerHttpApp();
        app._listener.Start();
        _ = app.AcceptLoopAsync();
        return app;
    }

    private async Task AcceptLoopAsync()
    {
        while (true)
        {
            Socket socket;
            try
            {
                socket = await _listener.AcceptSocketAsync();
            }
            catch (Exception e) when (e is SocketException or ObjectDisposedException)
            {
                return;
            }
            lock (_sockets) _sockets.Add(socket);
            _ = ServeAsync(socket);
        }
    }

    private static async Task ServeAsync(Socket socket)
    {
        try
        {
            var pending = new StringBuilder();
            var buffer = new byte[4096];
            while (true)
            {
                var n = await socket.ReceiveAsync(buffer);
                if (n == 0) return;
                pending.Append(Encoding.ASCII.GetString(buffer, 0, n));
                int end;
                // GET requests only: one answer per header block.
                while ((end = pending.ToString().IndexOf("\r\n\r\n", StringComparison.Ordinal)) >= 0)
                {
                    pending.Remove(0, end + 4);
                    await socket.SendAsync(Answer);
                }
            }
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
        }
    }

    public ValueTask DisposeAsync()
    {
        _listener.Stop();
        lock (_sockets)
        {
            foreach (var s in _sockets) s.Dispose();
        }
        return ValueTask.CompletedTask;
    }
}
