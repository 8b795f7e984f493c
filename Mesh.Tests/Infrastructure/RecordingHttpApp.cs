using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Mesh.Tests.Infrastructure;

/// <summary>
/// A raw HTTP/1.1 app on a free loopback port that records every request exactly as it arrived
/// (head text and body bytes, framed by Content-Length or chunked) and whether it arrived whole.
/// Its answers carry a Via, a header named in Connection, and on <c>/trailers</c> a chunked body
/// with a trailer: what a proxy must pass on or drop.
/// </summary>
internal sealed class RecordingHttpApp : IAsyncDisposable
{
    private static readonly byte[] Plain = Encoding.ASCII.GetBytes(
        "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 8\r\nVia: 1.0 app-cache\r\nConnection: X-App-Hop\r\nX-App-Hop: hop-only\r\nX-App-Kept: kept\r\n\r\nrecorded");
    private static readonly byte[] WithTrailers = Encoding.ASCII.GetBytes(
        "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nTransfer-Encoding: chunked\r\nTrailer: X-Checksum\r\n\r\n8\r\nrecorded\r\n0\r\nX-Checksum: abc123\r\n\r\n");
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly List<Socket> _sockets = [];
    private readonly List<RecordedRequest> _requests = [];

    public string Address => $"127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}";

    /// <summary>Every request received so far, in order of arrival; incomplete ones when their connection ended.</summary>
    public IReadOnlyList<RecordedRequest> Requests
    {
        get
        {
            lock (_requests) return [.. _requests];
        }
    }

    public static RecordingHttpApp Start()
    {
        var app = new RecordingHttpApp();
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

    private async Task ServeAsync(Socket socket)
    {
        var pending = new List<byte>();
        var buffer = new byte[16384];
        try
        {
            while (true)
            {
                var n = await socket.ReceiveAsync(buffer);
                if (n == 0) break;
                pending.AddRange(buffer.AsSpan(0, n));
                while (HttpFraming.TryTake(pending, out var head, out var body))
                {
                    lock (_requests) _requests.Add(new RecordedRequest(head, body, Complete: true));
                    await socket.SendAsync(head.Split("\r\n")[0].Contains(" /trailers", StringComparison.Ordinal) ? WithTrailers : Plain);
                    if (head.Contains("\r\nConnection: close", StringComparison.OrdinalIgnoreCase))
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
        // A head without its whole body: the proxy gave up on the request half-way.
        var text = Encoding.ASCII.GetString([.. pending]);
        var end = text.IndexOf("\r\n\r\n", StringComparison.Ordinal);
        if (end >= 0) lock (_requests) _requests.Add(new RecordedRequest(text[..end], [.. pending.Skip(end + 4)], Complete: false));
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

/// <summary>One request as the app received it: the head (request line and headers, without the blank line) and the decoded body.</summary>
internal sealed record RecordedRequest(string Head, byte[] Body, bool Complete)
{
    public string RequestLine => Head.Split("\r\n")[0];

    /// <summary>A header's value, or null when the request has none.</summary>
    public string? Header(string name) =>
        Head.Split("\r\n").Skip(1).FirstOrDefault(l => l.StartsWith(name + ":", StringComparison.OrdinalIgnoreCase))?[(name.Length + 1)..].Trim();
}
