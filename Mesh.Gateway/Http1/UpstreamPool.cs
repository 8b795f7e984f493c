using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Options;

namespace Mesh.Gateway.Http1;

/// <summary>
/// Idle keep-alive connections to instances, per endpoint: bounded, expired after
/// <see cref="FastPathOptions.UpstreamIdleTimeout"/>, checked before reuse. A connection comes back
/// only after a whole HTTP/1.1 exchange whose answer allowed it (<see cref="ResponseHead.Reusable"/>).
/// </summary>
public sealed class UpstreamPool : IDisposable
{
    private readonly ConcurrentDictionary<IPEndPoint, IdleStack> _idle = new();
    private readonly int _maxIdle;
    private readonly long _idleMs;
    private readonly Timer _sweep;

    /// <summary>How long a connection may have been idle and still be taken without a liveness poll.</summary>
    private const long TrustedIdleMs = 1000;

    public UpstreamPool(IOptions<FastPathOptions> options)
    {
        _maxIdle = options.Value.MaxIdlePerEndpoint;
        _idleMs = (long)options.Value.UpstreamIdleTimeout.TotalMilliseconds;
        _sweep = new Timer(static s => ((UpstreamPool)s!).Sweep(), this, TimeSpan.FromSeconds(15), TimeSpan.FromSeconds(15));
    }

    /// <summary>
    /// An idle connection to <paramref name="endPoint"/> that still looks alive, or null. With
    /// <paramref name="trustRecent"/> (a request that can be sent again: no body), one back within
    /// moments is taken without asking the kernel (a poll per request): should the app have closed
    /// it meanwhile, the exchange retries on a fresh connection, nothing of the request having reached it.
    /// </summary>
    public UpstreamConnection? TakeIdle(IPEndPoint endPoint, bool trustRecent = false)
    {
        if (!_idle.TryGetValue(endPoint, out var stack)) return null;
        var now = Environment.TickCount64;
        while (stack.TryPop(out var connection))
        {
            var idle = now - connection.IdleSince;
            if (idle < _idleMs && ((trustRecent && idle < TrustedIdleMs) || connection.LooksIdle())) return connection;
            connection.Dispose();
        }
        return null;
    }

    public static async ValueTask<UpstreamConnection> ConnectAsync(IPEndPoint endPoint, TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        cts.CancelAfter(timeout);
        if (Epoll.EpollNative.Enabled)
        {
            return new UpstreamConnection(await Epoll.EpollSocket.ConnectAsync(endPoint, cts.Token).ConfigureAwait(false), endPoint);
        }
        var socket = new Socket(endPoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(endPoint, cts.Token).ConfigureAwait(false);
            return new UpstreamConnection(socket, endPoint);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    public void Return(UpstreamConnection connection)
    {
        connection.Uses++;
        connection.IdleSince = Environment.TickCount64;
        connection.EnterIdle();
        var stack = _idle.GetOrAdd(connection.EndPoint, static _ => new IdleStack());
        if (!stack.TryPush(connection, _maxIdle)) connection.Dispose();
    }

    private void Sweep()
    {
        var now = Environment.TickCount64;
        foreach (var (_, stack) in _idle)
        {
            // Pop all, keep the live ones (in their order).
            var keep = new List<UpstreamConnection>();
            while (stack.TryPop(out var c))
            {
                if (now - c.IdleSince < _idleMs && c.LooksIdle()) keep.Add(c);
                else c.Dispose();
            }
            for (var i = keep.Count - 1; i >= 0; i--)
            {
                if (!stack.TryPush(keep[i], _maxIdle)) keep[i].Dispose();
            }
        }
    }

    public void Dispose()
    {
        _sweep.Dispose();
        foreach (var (_, stack) in _idle)
        {
            while (stack.TryPop(out var c)) c.Dispose();
        }
    }
}
