using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Mesh.Tests.Infrastructure;

/// <summary>
/// A minimal HTTP server on a free loopback port that counts the TCP connections it accepts and
/// answers every request with "counted". As HTTP/1.1 it keeps connections alive; as HTTP/1.0 it
/// answers one request per connection, without keep-alive, and leaves the connection open (a
/// proxy must not send it a second request).
/// </summary>
internal sealed class CountingHttpApp : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly List<Socket> _sockets = [];
    private readonly bool _http10;
    private int _connections;

    private CountingHttpApp(bool http10) => _http10 = http10;

    public string Address => $"127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}";

    public int Connections => Volatile.Read(ref _connections);

    public static Task<CountingHttpApp> StartAsync(bool http10)
    {
        var app = new CountingHttpApp(http10);
        app._listener.Start();
        _ = app.AcceptLoopAsync();
        return Task.FromResult(app);
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
            Interlocked.Increment(ref _connections);
            lock (_sockets) _sockets.Add(socket);
            _ = ServeAsync(socket);
        }
    }

    private async Task ServeAsync(Socket socket)
    {
        var response = Encoding.ASCII.GetBytes(_http10
            ? "HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 7\r\n\r\ncounted"
            : "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 7\r\n\r\ncounted");
        try
        {
            var pending = new StringBuilder();
            var buffer = new byte[4096];
            while (true)
            {
                var n = await socket.ReceiveAsync(buffer);
                if (n == 0) break;
                pending.Append(Encoding.ASCII.GetString(buffer, 0, n));
                // Requests without bodies: one answer per header block.
                int end;
                while ((end = pending.ToString().IndexOf("\r\n\r\n", StringComparison.Ordinal)) >= 0)
                {
                    var head = pending.ToString(0, end);
                    pending.Remove(0, end + 4);
                    await socket.SendAsync(response);
                    if (_http10) return;
                    if (head.Contains("Connection: close", StringComparison.OrdinalIgnoreCase))
                    {
                        socket.Shutdown(SocketShutdown.Both);
                        return;
                    }
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
