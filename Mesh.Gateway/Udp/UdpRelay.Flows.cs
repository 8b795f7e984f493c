using System.Net;
using System.Net.Sockets;
using System.Runtime.CompilerServices;
using Mesh.Gateway.Routing;
using Microsoft.Extensions.Logging;

namespace Mesh.Gateway.Udp;

/// <summary>The relay's flows: whether one still stands, opening, refusal, closing and the idle sweep.</summary>
internal sealed partial class UdpRelay
{
    /// <summary>
    /// Whether a flow still stands in <paramref name="table"/>: checked once per table version
    /// (the same address and port still route to its app, its instance is still routable at the
    /// same address) and on every datagram for passive-health ejection.
    /// </summary>
    private bool IsCurrent(UdpFlow flow, UdpTable table)
    {
        if (flow.IsClosed) return false;
        if (!ReferenceEquals(flow.CheckedAgainst, table))
        {
            if (table.Resolve(flow.Key.Local, flow.Listener.Port) is not { } route || route.AppName != flow.App) return false;
            if (table.Instance(flow.Instance.Id) is not { } instance || !instance.IsRoutable || instance.Address != flow.Instance.Address) return false;
            flow.Route = route;
            flow.CheckedAgainst = table;
        }
        return !flow.Load.IsEjected(time.GetUtcNow().UtcTicks);
    }

    private UdpFlow? OpenFlow(UdpListener listener, UdpTable table, UdpFlowKey key, SocketAddress client, long now)
    {
        if (table.Resolve(key.Local, listener.Port) is not { } route)
        {
            metrics.UdpDropped(UdpDropReasons.NoRoute);
            return null;
        }
        var count = _flowsPerApp.GetOrAdd(route.AppName, static _ => new StrongBox<int>());
        if (Interlocked.Increment(ref count.Value) > udpOptions.Value.MaxFlowsPerApp)
        {
            Interlocked.Decrement(ref count.Value);
            metrics.UdpDropped(UdpDropReasons.FlowLimit);
            return null;
        }
        var service = route.Route.Service;
        var candidates = state.Candidates(route.Route, table.InstancesOf(route.AppName), gatewayOptions.Value.Region, time.GetUtcNow().UtcTicks, null);
        var atLimit = false;
        foreach (var instance in candidates)
        {
            var load = state.Loads.For(instance.Id, service.InternalPort);
            if (!load.TryAcquire(service.Concurrency.HardLimit))
            {
                atLimit = true;
                continue;
            }
            if (UdpEndpoints.For(instance, route) is not { } endpoint || Connect(endpoint) is not { } upstream)
            {
                state.Loads.Release(load);
                continue;
            }
            // The client's address outlives this datagram: the per-address receive loop reuses its own.
            var reply = listener.Wildcard ? client : Copy(client);
            var flow = new UdpFlow(listener, key, reply, route, instance, endpoint, upstream, load, table, now);
            listener.Flows[key] = flow;
            metrics.UdpFlowOpened();
            _ = Task.Run(() => RelayDownstreamAsync(flow));
            return flow;
        }
        Interlocked.Decrement(ref count.Value);
        metrics.UdpDropped(atLimit ? UdpDropReasons.LimitReached : UdpDropReasons.NoHealthyInstance);
        return null;
    }

    private static Socket? Connect(IPEndPoint endpoint)
    {
        var socket = new Socket(endpoint.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
        try
        {
            // A UDP connect only fixes the peer (and filters what the socket accepts): no packet is sent.
            socket.Connect(endpoint);
            return socket;
        }
        catch (SocketException)
        {
            socket.Dispose();
            return null;
        }
    }

    /// <summary>The instance refused (ICMP port unreachable) or the socket failed: eject it for a while and close the flow.</summary>
    private void Refused(UdpFlow flow, bool refused)
    {
        if (refused)
        {
            flow.Load.Eject(time.GetUtcNow().UtcTicks + gatewayOptions.Value.EjectionTime.Ticks);
            metrics.UdpDropped(UdpDropReasons.UpstreamRefused);
        }
        CloseFlow(flow, "moved");
    }

    private void CloseFlow(UdpFlow flow, string why)
    {
        if (!flow.TryClose()) return;
        flow.Listener.Flows.TryRemove(new KeyValuePair<UdpFlowKey, UdpFlow>(flow.Key, flow));
        flow.Upstream.Dispose();
        state.Loads.Release(flow.Load);
        if (_flowsPerApp.TryGetValue(flow.App, out var count)) Interlocked.Decrement(ref count.Value);
        metrics.UdpFlowClosed(why);
    }

    /// <summary>Closes flows idle for longer than the timeout, checking a few times per timeout.</summary>
    private async Task SweepAsync(CancellationToken stopping)
    {
        var idle = udpOptions.Value.FlowIdleTimeout;
        if (idle <= TimeSpan.Zero) return;
        var period = TimeSpan.FromTicks(Math.Clamp(idle.Ticks / 4, TimeSpan.TicksPerMillisecond * 50, TimeSpan.TicksPerSecond * 5));
        using var timer = new PeriodicTimer(period, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stopping))
            {
                List<UdpListener> listeners;
                lock (_lock) listeners = [.. _bound.Values];
                var now = time.GetTimestamp();
                foreach (var listener in listeners)
                {
                    foreach (var flow in listener.Flows.Values)
                    {
                        if (time.GetElapsedTime(flow.LastActivity, now) >= idle) CloseFlow(flow, "expired");
                    }
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    /// <summary>The flow key of a datagram from <paramref name="client"/> (a sockaddr_in: family, port big-endian, address).</summary>
    private static UdpFlowKey KeyOf(uint local, SocketAddress client)
    {
        var bytes = client.Buffer.Span;
        return new UdpFlowKey(local, BitConverter.ToUInt32(bytes.Slice(4, 4)), (ushort)(bytes[2] << 8 | bytes[3]));
    }

    private static SocketAddress Copy(SocketAddress address)
    {
        var copy = new SocketAddress(address.Family, address.Size);
        address.Buffer.Span[..address.Size].CopyTo(copy.Buffer.Span);
        return copy;
    }
}
