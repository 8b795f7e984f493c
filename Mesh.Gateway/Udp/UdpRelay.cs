using System.Buffers;
using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Runtime.CompilerServices;
using Mesh.Gateway.Hosting;
using Mesh.Gateway.Routing;
using Mesh.Gateway.Telemetry;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Mesh.Gateway.Udp;

/// <summary>
/// Relays the apps' UDP services. Its sockets follow the table as the TCP listeners do (one per
/// dedicated IPv4 and port, or one per port on 0.0.0.0 in wildcard mode). Per datagram:
/// <code>
/// receive (pooled buffer; dialled address from the socket, or IP_PKTINFO) → flow (client addr:port)
///   → [new or stale flow: route by dialled address → pick (the TCP picker: region, RTT, load,
///      health, ejection) → connected upstream socket] → send to the instance
/// instance reply (on the flow's socket) → send to the client from the address it dialled
/// </code>
/// No grain is called and nothing is allocated per datagram on an open flow in per-address mode
/// (wildcard receives cost the runtime's endpoint objects). Flows idle for
/// <see cref="UdpOptions.FlowIdleTimeout"/> are closed; a flow whose instance stopped, failed
/// its checks or refused a datagram (ICMP) is closed, and its next datagram opens a new one.
/// </summary>
internal sealed partial class UdpRelay(
    GatewayState state,
    GatewayMetrics metrics,
    IOptions<GatewayOptions> gatewayOptions,
    IOptions<UdpOptions> udpOptions,
    TimeProvider time,
    ILogger<UdpRelay> logger) : IHostedService, IAsyncDisposable
{
    private readonly Dictionary<ListenerKey, UdpListener> _bound = [];
    private readonly HashSet<ListenerKey> _failedBinds = [];
    private readonly Lock _lock = new();
    private readonly ConcurrentDictionary<string, StrongBox<int>> _flowsPerApp = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _stopping = new();
    private volatile UdpTable _table = UdpTable.Empty;
    private Task? _sweeper;

    private bool Wildcard => gatewayOptions.Value.BindMode == BindMode.Wildcard;

    public UdpTable Table => _table;

    public IReadOnlyCollection<ListenerKey> Bound
    {
        get { lock (_lock) return [.. _bound.Keys]; }
    }

    public Task StartAsync(CancellationToken cancellationToken)
    {
        state.TableChanged += OnTableChanged;
        OnTableChanged(state.Table);
        _sweeper = Task.Run(() => SweepAsync(_stopping.Token), CancellationToken.None);
        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        state.TableChanged -= OnTableChanged;
        await _stopping.CancelAsync();
        List<UdpListener> all;
        lock (_lock)
        {
            all = [.. _bound.Values];
            _bound.Clear();
        }
        foreach (var listener in all) Close(listener);
        if (_sweeper is not null) await _sweeper.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
    }

    private void OnTableChanged(GatewayTable table)
    {
        var udp = UdpTable.Build(table.Source, Wildcard);
        _table = udp;
        lock (_lock)
        {
            foreach (var key in _bound.Keys.Where(k => !udp.Listeners.Contains(k)).ToList())
            {
                _bound.Remove(key, out var gone);
                Close(gone!);
                LogUnbound(key.ToString());
            }
            foreach (var key in udp.Listeners.Where(k => !_bound.ContainsKey(k)))
            {
                if (TryBind(key) is { } listener)
                {
                    _bound[key] = listener;
                    _failedBinds.Remove(key);
                }
            }
        }
    }

    private UdpListener? TryBind(ListenerKey key)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        try
        {
            // Room for a burst while the receive loop catches up (the kernel caps it at rmem_max).
            socket.ReceiveBufferSize = 4 << 20;
            if (key.Address.Equals(IPAddress.Any)) socket.SetSocketOption(SocketOptionLevel.IP, SocketOptionName.PacketInformation, true);
            socket.Bind(new IPEndPoint(key.Address, key.Port));
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
        var listener = new UdpListener(key, socket, key.Address.Equals(IPAddress.Any));
        listener.ReceiveLoop = Task.Run(() => ReceiveLoopAsync(listener));
        LogBound(key.ToString());
        return listener;
    }

    private void Close(UdpListener listener)
    {
        listener.Closed.Cancel();
        listener.Socket.Dispose();
        foreach (var flow in listener.Flows.Values) CloseFlow(flow, "closed");
    }

    private async Task ReceiveLoopAsync(UdpListener listener)
    {
        // One buffer per socket for its whole life: the datagram is sent on before the next receive.
        var buffer = GC.AllocateUninitializedArray<byte>(65536, pinned: true);
        var from = new SocketAddress(AddressFamily.InterNetwork);
        var any = new IPEndPoint(IPAddress.Any, 0);
        while (!listener.Closed.IsCancellationRequested)
        {
            int received;
            uint local;
            SocketAddress client;
            try
            {
                if (listener.Wildcard)
                {
                    var result = await listener.Socket.ReceiveMessageFromAsync(buffer, SocketFlags.None, any);
                    received = result.ReceivedBytes;
                    local = UdpTable.Key(result.PacketInformation.Address);
                    client = result.RemoteEndPoint.Serialize();
                }
                else
                {
                    received = await listener.Socket.ReceiveFromAsync(buffer, SocketFlags.None, from);
                    local = listener.Local;
                    client = from;
                }
            }
            catch (Exception e) when (e is ObjectDisposedException or OperationCanceledException or SocketException)
            {
                if (listener.Closed.IsCancellationRequested) return;
                continue;
            }
            await RelayUpstreamAsync(listener, buffer.AsMemory(0, received), local, client);
        }
    }

    /// <summary>A client's datagram: to its flow's instance, opening (or moving) the flow when needed.</summary>
    private async ValueTask RelayUpstreamAsync(UdpListener listener, ReadOnlyMemory<byte> datagram, uint local, SocketAddress client)
    {
        var key = KeyOf(local, client);
        var table = _table;
        var now = time.GetTimestamp();
        if (!listener.Flows.TryGetValue(key, out var flow) || !IsCurrent(flow, table))
        {
            if (flow is not null) CloseFlow(flow, "moved");
            flow = OpenFlow(listener, table, key, client, now);
            if (flow is null) return;
        }
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                await flow.Upstream.SendAsync(datagram, SocketFlags.None);
                flow.Touch(now);
                metrics.UdpDatagram(upstream: true, datagram.Length);
                return;
            }
            catch (Exception e) when (e is SocketException or ObjectDisposedException)
            {
                // An ICMP error for an earlier datagram surfaces on this send: nothing reached the
                // instance, so this datagram may go to the next one (once).
                Refused(flow, e is SocketException { SocketErrorCode: SocketError.ConnectionRefused });
                if (attempt > 0 || OpenFlow(listener, _table, key, client, now) is not { } next)
                {
                    metrics.UdpDropped(UdpDropReasons.SendError);
                    return;
                }
                flow = next;
            }
        }
    }

    /// <summary>The flow's instance's replies, each sent to the client from the address it dialled.</summary>
    private async Task RelayDownstreamAsync(UdpFlow flow)
    {
        var max = Math.Clamp(udpOptions.Value.MaxDatagramSize, 512, 65535);
        try
        {
            while (!flow.IsClosed)
            {
                // Wait for a reply without holding a buffer (an idle flow owns none), then take it into a pooled one.
                await flow.Upstream.ReceiveAsync(Memory<byte>.Empty, SocketFlags.Peek);
                var buffer = ArrayPool<byte>.Shared.Rent(max);
                try
                {
                    var received = await flow.Upstream.ReceiveAsync(buffer.AsMemory(0, max), SocketFlags.None);
                    flow.Touch(time.GetTimestamp());
                    if (!SendToClient(flow, buffer.AsSpan(0, received)))
                    {
                        metrics.UdpDropped(UdpDropReasons.SendError);
                        continue;
                    }
                    metrics.UdpDatagram(upstream: false, received);
                }
                finally
                {
                    ArrayPool<byte>.Shared.Return(buffer);
                }
            }
        }
        catch (SocketException e) when (e.SocketErrorCode == SocketError.ConnectionRefused)
        {
            Refused(flow, refused: true);
        }
        catch (Exception e) when (e is ObjectDisposedException or OperationCanceledException or SocketException)
        {
            // The flow was closed (its socket disposed) or the socket failed: the flow ends either way.
            CloseFlow(flow, "closed");
        }
    }

    private bool SendToClient(UdpFlow flow, ReadOnlySpan<byte> payload)
    {
        var listener = flow.Listener;
        try
        {
            if (listener.Wildcard) return PacketInfoSender.Send(listener.Socket, payload, flow.Key.Local, flow.Client) == 0;
            return listener.Socket.SendTo(payload, SocketFlags.None, flow.Client) == payload.Length;
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
            return false;
        }
    }


    public async ValueTask DisposeAsync()
    {
        await StopAsync(CancellationToken.None);
        _stopping.Dispose();
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Listening on udp {Endpoint}")]
    private partial void LogBound(string endpoint);

    [LoggerMessage(Level = LogLevel.Information, Message = "Stopped listening on udp {Endpoint}")]
    private partial void LogUnbound(string endpoint);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Cannot listen on udp {Endpoint}: {Error}; retrying on the next table change")]
    private partial void LogBindFailed(string endpoint, string error);
}
