using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using Mesh.Gateway.Connections;
using Mesh.Gateway.Forwarding;
using Mesh.Gateway.Hosting;
using Mesh.Gateway.Pipeline;
using Mesh.Gateway.Routing;
using Mesh.Gateway.Telemetry;
using Microsoft.AspNetCore.Connections;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.AspNetCore.Server.Kestrel.Transport.Sockets;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Mesh.Gateway.Listeners;

/// <summary>
/// Opens and closes the gateway's sockets so that they follow the table: every address and port
/// the table lists is listened on within moments of the change, and a released address stops
/// answering (its sockets close and its open connections are aborted). Accepted sockets become
/// Kestrel connections handed to the pipeline their port's handlers ask for.
/// </summary>
internal sealed partial class ListenerManager(
    GatewayState state,
    GatewayTransport transport,
    GatewayMetrics metrics,
    ConnectionFailures failures,
    IOptions<GatewayOptions> options,
    ILoggerFactory loggerFactory,
    IServiceProvider services,
    ILogger<ListenerManager> logger) : IHostedService, IAsyncDisposable
{
    private readonly Dictionary<ListenerKey, BoundListener> _bound = [];
    private readonly HashSet<ListenerKey> _failedBinds = [];
    private readonly Lock _lock = new();
    // One factory for the process: it owns the memory pools of every connection (notes §3). The
    // options' own default pool rents from ArrayPool.Shared, which misses (and allocates) for
    // every read of a busy gateway; Kestrel's pinned-block pool factory, as its own socket
    // transport uses, does not.
    private readonly SocketConnectionContextFactory _factory = new(
        SocketOptionsWithPool(services.GetService<IMemoryPoolFactory<byte>>(), options.Value.InlineCompletions),
        loggerFactory.CreateLogger<SocketConnectionContextFactory>());
    // Connections that skip Kestrel's transport get a pool from the same factory: without one,
    // Kestrel's HTTP/2 falls back to MemoryPool<byte>.Shared, whose ArrayPool misses once more
    // streams are in flight than it keeps arrays (256 streams: 3.4 KB allocated per h2 request).
    private readonly MemoryPoolFeature? _directPool = services.GetService<IMemoryPoolFactory<byte>>()?.Create() is { } pool ? new MemoryPoolFeature(pool) : null;
    private readonly CancellationTokenSource _stopping = new();
    // The stages a direct connection runs through: the route stage, then the TCP handler (GatewayPipeline).
    private readonly Lazy<ConnectionDelegate> _direct = new(() =>
    {
        var handler = ActivatorUtilities.CreateInstance<ProxyConnectionHandler>(services);
        return services.GetRequiredService<RouteStage>().Middleware(handler.OnConnectedAsync);
    });

    /// <summary>
    /// Socket options whose connections take their buffers from Kestrel's pool factory. The
    /// setter is internal (Kestrel's own transport sets it from DI), hence reflection; should a
    /// later ASP.NET Core rename it, connections fall back to the default pool and still work.
    /// </summary>
    private static SocketConnectionFactoryOptions SocketOptionsWithPool(IMemoryPoolFactory<byte>? pool, bool inline)
    {
        var options = new SocketConnectionFactoryOptions { UnsafePreferInlineScheduling = inline };
        if (pool is not null)
        {
            typeof(SocketConnectionFactoryOptions)
                .GetProperty("MemoryPoolFactory", System.Reflection.BindingFlags.Instance | System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.NonPublic)
                ?.SetValue(options, pool);
        }
        return options;
    }

    /// <summary>A connection with pipes: on the gateway's own socket loop where it runs (Mesh:Gateway:EpollSockets), else Kestrel's socket transport.</summary>
    private ConnectionContext Transported(Socket accepted)
    {
        if (Epoll.EpollNative.Enabled && Epoll.EpollSocket.TryCreate(accepted) is { } epoll)
        {
            var connection = new Epoll.EpollConnection(epoll, _directPool?.MemoryPool ?? System.Buffers.MemoryPool<byte>.Shared);
            connection.Start();
            return connection;
        }
        return _factory.Create(accepted);
    }

    public IReadOnlyCollection<ListenerKey> Bound
    {
        get { lock (_lock) return [.. _bound.Keys]; }
    }

    public Task StartAsync(CancellationToken cancellationToken)
    {
        state.TableChanged += Reconcile;
        Reconcile(state.Table);
        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        state.TableChanged -= Reconcile;
        await _stopping.CancelAsync();
        List<BoundListener> all;
        lock (_lock)
        {
            all = [.. _bound.Values];
            _bound.Clear();
        }
        foreach (var listener in all) listener.Close(abortConnections: false);
    }

    private void Reconcile(GatewayTable table)
    {
        lock (_lock)
        {
            foreach (var key in _bound.Keys.Where(k => !table.Listeners.Contains(k)).ToList())
            {
                _bound.Remove(key, out var gone);
                gone!.Close(abortConnections: true);
                LogUnbound(key.ToString());
            }
            foreach (var key in table.Listeners.Where(k => !_bound.ContainsKey(k)))
            {
                if (TryBind(key) is { } listener)
                {
                    _bound[key] = listener;
                    _failedBinds.Remove(key);
                }
            }
            // In wildcard mode one socket serves many addresses: drop connections to addresses
            // that the table no longer routes (a released IP stops answering at once).
            foreach (var listener in _bound.Values)
            {
                listener.AbortWhere(c => c.LocalEndPoint is IPEndPoint local && table.KindAt(local.Address, local.Port) is null);
            }
        }
    }

    private BoundListener? TryBind(ListenerKey key)
    {
        var socket = new Socket(key.Address.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            if (key.Address.AddressFamily == AddressFamily.InterNetworkV6)
            {
                // Wildcard IPv6 serves IPv6 only (IPv4 has its own wildcard); a specific IPv6 that is
                // covered only by an AnyIP local route needs IPV6_FREEBIND (notes G9).
                socket.DualMode = false;
                socket.SetRawSocketOption(41 /* IPPROTO_IPV6 */, 78 /* IPV6_FREEBIND */, BitConverter.GetBytes(1));
            }
            socket.Bind(new IPEndPoint(key.Address, key.Port));
            // Backlog: the kernel queue that absorbs accept bursts while the loop catches up.
            socket.Listen(1024);
        }
        catch (SocketException e)
        {
            socket.Dispose();
            if (_failedBinds.Add(key))
            {
                metrics.Error(ErrorReasons.Bind);
                LogBindFailed(key.ToString(), e.SocketErrorCode.ToString());
            }
            return null;
        }
        var listener = new BoundListener(key, socket);
        listener.AcceptLoop = Task.Run(() => AcceptLoopAsync(listener));
        LogBound(key.ToString());
        return listener;
    }

    private async Task AcceptLoopAsync(BoundListener listener)
    {
        var backoff = TimeSpan.Zero;
        while (!listener.Closed.IsCancellationRequested)
        {
            Socket accepted;
            try
            {
                accepted = await listener.Socket.AcceptAsync(listener.Closed.Token);
                backoff = TimeSpan.Zero;
            }
            catch (SocketException e) when (e.SocketErrorCode == SocketError.TooManyOpenSockets && !listener.Closed.IsCancellationRequested)
            {
                // EMFILE/ENFILE: accepting again at once fails again (a spin that burnt a core and
                // memory); wait 50 ms, doubling to 1 s, while connections close.
                backoff = backoff == TimeSpan.Zero ? TimeSpan.FromMilliseconds(50) : TimeSpan.FromTicks(Math.Min(backoff.Ticks * 2, TimeSpan.TicksPerSecond));
                failures.Fail(ErrorReasons.AcceptDescriptors, $"accept on {listener.Key} failed: out of file descriptors; backing off {backoff.TotalMilliseconds} ms");
                try
                {
                    await Task.Delay(backoff, listener.Closed.Token);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
                continue;
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                if (listener.Closed.IsCancellationRequested) return;
                continue;
            }
            var max = options.Value.MaxConnections;
            if (max > 0 && metrics.Active >= max)
            {
                failures.Fail(ErrorReasons.MaxConnections, $"{metrics.Active} connections open, Mesh:Gateway:MaxConnections is {max}");
                accepted.Dispose();
                continue;
            }
            accepted.NoDelay = true;
            var local = (IPEndPoint)accepted.LocalEndPoint!;
            var table = state.Table;
            var kind = table.KindAt(local.Address, local.Port);
            // A raw TCP port with no stage before the handler skips Kestrel: socket-to-socket copy.
            var direct = kind == ListenerKind.Tcp && options.Value.DirectTcp && !options.Value.AcceptProxyProtocol;
            // A tls+http port runs TLS on the socket unless a stage must read the bytes first.
            var directTls = kind == ListenerKind.Https && options.Value.DirectTls && !options.Value.AcceptProxyProtocol && !table.Challenges.HasTlsAlpn;
            ConnectionContext connection = direct || directTls ? new DirectSocketConnection(accepted, _directPool) : Transported(accepted);
            if (kind is null)
            {
                metrics.Error(ProxyError.NoRoute);
                connection.Abort();
                await connection.DisposeAsync();
                continue;
            }
            if (connection.RemoteEndPoint is IPEndPoint remote && !table.Admits(local.Address, remote.Address))
            {
                failures.Fail(ErrorReasons.FlycastSourceRefused, $"{remote} is outside the private network of the Flycast address {local}");
                connection.Abort();
                await connection.DisposeAsync();
                continue;
            }
            connection.Features.Set<IListenerFeature>(new ListenerFeature(listener.Key, kind.Value));
            listener.Track(connection);
            metrics.Accepted(kind.Value);
            connection.ConnectionClosed.Register(metrics.Closed);
            if (connection is DirectSocketConnection raw && !directTls)
            {
                _ = Task.Run(() => RunDirectAsync(raw));
                continue;
            }
            try
            {
                await transport.Dispatch(kind.Value, connection, _stopping.Token, directTls);
            }
            catch (OperationCanceledException)
            {
                connection.Abort();
                return;
            }
        }
    }

    /// <summary>The route stage and the TCP handler run on a direct connection, as Kestrel would run them on one of its own.</summary>
    private async Task RunDirectAsync(DirectSocketConnection connection)
    {
        try
        {
            await _direct.Value(connection);
        }
        catch (Exception e)
        {
            LogDirectFailed(connection.ConnectionId, e.GetType().Name, e.Message);
        }
        finally
        {
            await connection.DisposeAsync();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync(CancellationToken.None);
        _factory.Dispose();
        _directPool?.MemoryPool.Dispose();
        _stopping.Dispose();
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Connection}: the TCP handler failed: {Error}: {Message}")]
    private partial void LogDirectFailed(string connection, string error, string message);

    [LoggerMessage(Level = LogLevel.Information, Message = "Listening on {Endpoint}")]
    private partial void LogBound(string endpoint);

    [LoggerMessage(Level = LogLevel.Information, Message = "Stopped listening on {Endpoint}")]
    private partial void LogUnbound(string endpoint);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Cannot listen on {Endpoint}: {Error}; retrying on the next table change")]
    private partial void LogBindFailed(string endpoint, string error);

    private sealed class BoundListener(ListenerKey key, Socket socket)
    {
        private readonly ConcurrentDictionary<string, ConnectionContext> _live = new(StringComparer.Ordinal);

        public ListenerKey Key { get; } = key;

        public Socket Socket { get; } = socket;

        public CancellationTokenSource Closed { get; } = new();

        public Task? AcceptLoop { get; set; }

        public void Track(ConnectionContext connection)
        {
            _live[connection.ConnectionId] = connection;
            connection.ConnectionClosed.Register(() => _live.TryRemove(connection.ConnectionId, out _));
        }

        public void AbortWhere(Func<ConnectionContext, bool> predicate)
        {
            foreach (var connection in _live.Values)
            {
                if (predicate(connection)) connection.Abort(new ConnectionAbortedException("address released"));
            }
        }

        public void Close(bool abortConnections)
        {
            Closed.Cancel();
            Socket.Dispose();
            if (abortConnections) AbortWhere(_ => true);
        }
    }
}
