using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Mesh.Tests.Infrastructure;

/// <summary>
/// A raw HTTP/1.1 app on a free loopback port whose answers are chosen by path, written byte for
/// byte, so tests control the framing a proxy has to relay. It keeps connections alive (unless
/// the request says <c>Connection: close</c>), counts the connections it accepts, knows which have ended,
/// and records every request with its decoded body, trailer fields and connection number.
/// <list type="bullet">
/// <item>any other path: 200 with Content-Length, the body "METHOD TARGET", "body=…" and one "trailer …" line per trailer field;</item>
/// <item><c>/chunked</c>: a chunked body in three chunks; <c>/trailers</c>: a chunked body with an <c>X-Checksum</c> trailer;</item>
/// <item><c>/204</c>, <c>/304</c>: those statuses, without a body;</item>
/// <item><c>/then-close</c>: the usual answer, then the app closes the connection (no <c>Connection: close</c> said);</item>
/// <item><c>/die</c>: reads the whole request, then closes the connection without answering;</item>
/// <item><c>/417</c>, <c>/early</c>: 417 or 401 at once, without reading the body, and <c>Connection: close</c>.</item>
/// </list>
/// Every answer carries <c>X-Connection</c>, the number of the app connection that served it.
/// A request with <c>Expect: 100-continue</c> gets <c>100 Continue</c> before its body is read.
/// </summary>
internal sealed class ScriptedHttp1App : IAsyncDisposable
{
    public const string ChunkedBody = "chunk-one,chunk-two,chunk-three";
    public const string TrailerBody = "trailered";
    public const string Checksum = "abc123";

    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private readonly List<Socket> _sockets = [];
    private readonly List<ScriptedRequest> _requests = [];
    private readonly HashSet<int> _ended = [];
    private int _accepted;

    public string Address => $"127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}";

    /// <summary>TCP connections accepted so far.</summary>
    public int Accepted => Volatile.Read(ref _accepted);

    /// <summary>True once the app's connection number <paramref name="connection"/> (an answer's <c>X-Connection</c>) has ended.</summary>
    public bool HasEnded(int connection)
    {
        lock (_ended) return _ended.Contains(connection);
    }

    public IReadOnlyList<ScriptedRequest> Requests
    {
        get
        {
            lock (_requests) return [.. _requests];
        }
    }

    public static ScriptedHttp1App Start()
    {
        var app = new ScriptedHttp1App();
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
                socket = await _listener.AcceptSocketAsync(_stop.Token);
            }
            catch (Exception e) when (e is SocketException or ObjectDisposedException or OperationCanceledException)
            {
                return;
            }
            var number = Interlocked.Increment(ref _accepted);
            lock (_sockets) _sockets.Add(socket);
            _ = ServeAsync(socket, number);
        }
    }

    private async Task ServeAsync(Socket socket, int connection)
    {
        try
        {
            await using var stream = new NetworkStream(socket, ownsSocket: false);
            var reader = new Http1Reader(stream);
            while (await reader.ReadHeadAsync(_stop.Token) is { } head)
            {
                var request = new ScriptedRequest(connection, head, [], []);
                var path = request.Target.Split('?')[0];
                if (path is "/417" or "/early")
                {
                    // A final answer before the body: the client need not send it, and what it
                    // sends anyway is drained until the other side closes (a lingering close).
                    Record(request);
                    await stream.WriteAsync(Encoding.ASCII.GetBytes(path == "/417"
                        ? $"HTTP/1.1 417 Expectation Failed\r\nContent-Length: 0\r\nConnection: close\r\nX-Connection: {connection}\r\n\r\n"
                        : $"HTTP/1.1 401 Unauthorized\r\nContent-Length: 12\r\nConnection: close\r\nX-Connection: {connection}\r\n\r\nunauthorized"), _stop.Token);
                    socket.Shutdown(SocketShutdown.Send);
                    await reader.ReadToEndAsync(_stop.Token);
                    return;
                }
                if (request.Header("Expect")?.Equals("100-continue", StringComparison.OrdinalIgnoreCase) == true)
                {
                    await stream.WriteAsync("HTTP/1.1 100 Continue\r\n\r\n"u8.ToArray(), _stop.Token);
                }
                if (request.Header("Transfer-Encoding")?.Contains("chunked", StringComparison.OrdinalIgnoreCase) == true)
                {
                    var (body, trailers) = await reader.ReadChunkedAsync(_stop.Token);
                    request = request with { Body = body, Trailers = trailers };
                }
                else if (request.Header("Content-Length") is { } length)
                {
                    request = request with { Body = await reader.ReadExactlyAsync(int.Parse(length), _stop.Token) };
                }
                Record(request);
                if (path == "/die") return;
                await stream.WriteAsync(Answer(request, path), _stop.Token);
                if (path == "/then-close" || request.Header("Connection")?.Contains("close", StringComparison.OrdinalIgnoreCase) == true) return;
            }
        }
        catch (Exception e) when (e is IOException or SocketException or ObjectDisposedException or OperationCanceledException or EndOfStreamException)
        {
            // The gateway went away mid-request: nothing for the app to answer.
        }
        finally
        {
            socket.Dispose();
            lock (_ended) _ended.Add(connection);
        }
    }

    private void Record(ScriptedRequest request)
    {
        lock (_requests) _requests.Add(request);
    }

    private static byte[] Answer(ScriptedRequest request, string path)
    {
        var head = request.Method == "HEAD";
        var id = $"X-Connection: {request.Connection}\r\n";
        string text;
        switch (path)
        {
            case "/204":
                text = $"HTTP/1.1 204 No Content\r\n{id}\r\n";
                break;
            case "/304":
                text = $"HTTP/1.1 304 Not Modified\r\nETag: \"v1\"\r\n{id}\r\n";
                break;
            case "/chunked":
                text = $"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nTransfer-Encoding: chunked\r\n{id}\r\n"
                    + (head ? "" : "a\r\nchunk-one,\r\na\r\nchunk-two,\r\nb\r\nchunk-three\r\n0\r\n\r\n");
                break;
            case "/trailers":
                text = $"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nTransfer-Encoding: chunked\r\nTrailer: X-Checksum\r\n{id}\r\n"
                    + (head ? "" : $"9\r\n{TrailerBody}\r\n0\r\nX-Checksum: {Checksum}\r\n\r\n");
                break;
            default:
                var body = $"{request.Method} {request.Target}\nbody={Encoding.Latin1.GetString(request.Body)}\n"
                    + string.Concat(request.Trailers.Select(t => $"trailer {t}\n"));
                text = $"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: {Encoding.Latin1.GetByteCount(body)}\r\n{id}\r\n" + (head ? "" : body);
                break;
        }
        return Encoding.Latin1.GetBytes(text);
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        lock (_sockets)
        {
            foreach (var s in _sockets) s.Dispose();
        }
        _stop.Dispose();
    }
}
