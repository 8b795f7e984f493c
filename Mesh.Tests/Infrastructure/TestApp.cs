using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Mesh.Tests.Infrastructure;

/// <summary>
/// An app instance on a free loopback port: optionally writes a banner (its name) first, then
/// echoes what it receives until the client half-closes, then closes its side. It records the
/// first bytes of each connection so tests can see exactly what reached the app.
/// </summary>
internal sealed class TestApp : IAsyncDisposable
{
    private readonly TcpListener _listener;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private readonly bool _closeAfterBanner;
    private int _open;

    public TestApp(string? banner = null, IPAddress? address = null, bool closeAfterBanner = false)
    {
        Banner = banner;
        _closeAfterBanner = closeAfterBanner;
        _listener = new TcpListener(address ?? IPAddress.Loopback, 0);
        _listener.Start();
        _loop = AcceptLoop();
    }

    public string? Banner { get; }

    public string Address => ((IPEndPoint)_listener.LocalEndpoint).ToString();

    public int OpenConnections => Volatile.Read(ref _open);

    public ConcurrentQueue<byte[]> FirstBytes { get; } = new();

    /// <summary>Completes the next time a connection's first bytes arrive.</summary>
    public TaskCompletionSource<byte[]> NextFirstBytes { get; private set; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private async Task AcceptLoop()
    {
        while (!_stop.IsCancellationRequested)
        {
            Socket socket;
            try
            {
                socket = await _listener.AcceptSocketAsync(_stop.Token);
            }
            catch (Exception)
            {
                return;
            }
            _ = Serve(socket);
        }
    }

    private async Task Serve(Socket socket)
    {
        Interlocked.Increment(ref _open);
        try
        {
            using (socket)
            {
                if (Banner is not null) await socket.SendAsync(Encoding.ASCII.GetBytes(Banner + "\n"));
                if (_closeAfterBanner)
                {
                    // For clients such as openssl s_client that read until the server closes.
                    socket.Shutdown(SocketShutdown.Both);
                    return;
                }
                var buffer = new byte[16384];
                var first = true;
                while (true)
                {
                    var n = await socket.ReceiveAsync(buffer, _stop.Token);
                    if (n == 0) break;
                    if (first)
                    {
                        var bytes = buffer[..n];
                        FirstBytes.Enqueue(bytes);
                        var waiter = NextFirstBytes;
                        NextFirstBytes = new(TaskCreationOptions.RunContinuationsAsynchronously);
                        waiter.TrySetResult(bytes);
                        first = false;
                    }
                    await socket.SendAsync(buffer.AsMemory(0, n));
                }
                socket.Shutdown(SocketShutdown.Send);
            }
        }
        catch (Exception)
        {
            // A client that resets is not the app's problem.
        }
        finally
        {
            Interlocked.Decrement(ref _open);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        try { await _loop; } catch (OperationCanceledException) { }
        _stop.Dispose();
    }
}
