using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Mesh.Gateway.Hosting;
using Mesh.Gateway.Routing;
using Mesh.Gateway.Telemetry;
using Mesh.Interfaces.Model;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Mesh.Gateway.Connections;

/// <summary>
/// Picks and connects (DESIGN §4 steps 4–5): candidates in the picker's order, a connect with a
/// timeout to each until one answers; a refusal or timeout ejects that instance for a while
/// (passive health). When every candidate is at its hard limit the connection waits in a
/// bounded queue for a slot, then is refused. Nothing has been sent upstream before a
/// connect succeeds, so moving on to the next candidate is always safe.
/// </summary>
public sealed partial class UpstreamConnector(
    GatewayState state,
    GatewayMetrics metrics,
    IOptions<GatewayOptions> options,
    TimeProvider time,
    ILogger<UpstreamConnector> logger)
{
    private readonly KeyedCounter _waiting = new();

    public async Task<Upstream> ConnectAsync(PortRoute route, GatewayTable table, IReadOnlyList<string>? preferredRegions, CancellationToken cancellationToken)
    {
        var o = options.Value;
        var deadline = time.GetUtcNow() + o.QueueTimeout;
        var queued = false;
        try
        {
            while (true)
            {
                var all = table.InstancesOf(route.AppName);
                var now = time.GetUtcNow().UtcTicks;
                var loads = state.Loads;
                var port = route.Service.InternalPort;
                var candidates = state.Candidates(route, all, o.Region, now, preferredRegions);
                var atLimit = false;
                foreach (var instance in candidates)
                {
                    var load = loads.For(instance.Id, port);
                    if (!load.TryAcquire(route.Service.Concurrency.HardLimit))
                    {
                        atLimit = true;
                        continue;
                    }
                    var socket = await TryConnectAsync(instance, InstanceEndpoints.For(instance, route.App, route.Service), cancellationToken);
                    if (socket is not null) return new Upstream(socket, instance, load, RouteFailure.None);
                    loads.Release(load);
                    load.Eject(now + o.EjectionTime.Ticks);
                }
                if (!all.Any(i => i.IsRoutable)) return new Upstream(null, null, null, RouteFailure.NoHealthyInstance);
                atLimit |= candidates.Count == 0 && route.Service.Concurrency.HardLimit is not null && all.Any(i => i.IsRoutable && !loads.For(i.Id, port).IsEjected(now));
                if (!atLimit) return new Upstream(null, null, null, RouteFailure.ConnectFailed);
                if (!queued)
                {
                    if (!_waiting.TryEnter(route.AppName, o.QueueLimit)) return new Upstream(null, null, null, RouteFailure.Overloaded);
                    queued = true;
                }
                var remaining = deadline - time.GetUtcNow();
                if (remaining <= TimeSpan.Zero) return new Upstream(null, null, null, RouteFailure.Overloaded);
                // Wait for any slot to free up (or the queue deadline), then pick again.
                await Task.WhenAny(loads.SlotReleased, Task.Delay(remaining, time, cancellationToken));
                cancellationToken.ThrowIfCancellationRequested();
            }
        }
        finally
        {
            if (queued) _waiting.Exit(route.AppName);
        }
    }

    private async Task<Socket?> TryConnectAsync(InstanceRoute instance, IPEndPoint? endpoint, CancellationToken cancellationToken)
    {
        if (endpoint is null)
        {
            return null;
        }
        var socket = new Socket(endpoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        var started = Stopwatch.GetTimestamp();
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(options.Value.ConnectTimeout);
        try
        {
            await socket.ConnectAsync(endpoint, timeout.Token);
            metrics.Proxied(instance.App, Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            return socket;
        }
        catch (Exception e) when (e is SocketException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            socket.Dispose();
            var reason = e is SocketException se ? se.SocketErrorCode.ToString() : "timeout";
            metrics.Error("upstream_connect_" + (e is SocketException ? "refused" : "timeout"));
            LogConnectFailed(instance.Id, instance.Address, reason);
            return null;
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Instance {Instance} at {Address} did not accept a connection ({Reason}); skipping it for a while")]
    private partial void LogConnectFailed(string instance, string address, string reason);
}
