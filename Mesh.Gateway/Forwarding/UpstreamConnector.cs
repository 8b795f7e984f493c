using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Mesh.Gateway.Hosting;
using Mesh.Gateway.Routing;
using Mesh.Gateway.Telemetry;
using Mesh.Interfaces.Model;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Mesh.Gateway.Forwarding;

/// <summary>
/// Picks and connects (DESIGN §4 steps 4–5) for callers that want a socket: a lease from
/// <see cref="UpstreamSelector"/>, a connect with <c>ConnectTimeout</c>; a refusal or timeout
/// ejects that instance for a while (passive health) and the next candidate is leased. Nothing
/// has been sent upstream before a connect succeeds, so moving on is always safe.
/// </summary>
public sealed partial class UpstreamConnector(
    UpstreamSelector selector,
    GatewayMetrics metrics,
    IOptions<GatewayOptions> options,
    ILogger<UpstreamConnector> logger)
{
    public async Task<Upstream> ConnectAsync(UpstreamRequest request, CancellationToken cancellationToken)
    {
        while (true)
        {
            var lease = await selector.AcquireAsync(request, cancellationToken);
            if (!lease.Acquired) return new Upstream(null, lease);
            Socket? socket;
            try
            {
                socket = await TryConnectAsync(lease.Instance!, InstanceEndpoints.Cached(lease.Instance!, request.Route.App, request.Route.Service), cancellationToken);
            }
            catch
            {
                lease.Dispose();
                throw;
            }
            if (socket is not null) return new Upstream(socket, lease);
            lease.Eject();
            lease.Dispose();
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
            metrics.Error(e is SocketException ? ProxyError.UpstreamConnectRefused : ProxyError.UpstreamConnectTimeout);
            LogConnectFailed(instance.Id, instance.Address, reason);
            return null;
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Instance {Instance} at {Address} did not accept a connection ({Reason}); skipping it for a while")]
    private partial void LogConnectFailed(string instance, string address, string reason);
}
