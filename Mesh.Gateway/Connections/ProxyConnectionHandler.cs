using System.Net;
using System.Net.Sockets;
using Mesh.Gateway.Hosting;
using Mesh.Gateway.Protocols;
using Mesh.Gateway.Routing;
using Mesh.Gateway.Telemetry;
using Mesh.Interfaces.Config;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Connections.Features;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Mesh.Gateway.Connections;

/// <summary>
/// The end of every TCP pipeline, after the listener (accept) and the TLS and Postgres stages:
/// route → pick and connect → PROXY header → pump → account. Each failure is a
/// <see cref="RouteFailure"/>, counted and logged at debug; the connection alone is closed.
/// </summary>
public sealed partial class ProxyConnectionHandler(
    GatewayState state,
    UpstreamConnector connector,
    AppConnectionLimiter limiter,
    GatewayMetrics metrics,
    IOptions<GatewayOptions> options,
    IHostApplicationLifetime lifetime,
    ILogger<ProxyConnectionHandler> logger) : ConnectionHandler
{
    public override async Task OnConnectedAsync(ConnectionContext connection)
    {
        connection.Items[TlsFailureCounter.ReachedHandler] = true;
        var local = (IPEndPoint)connection.LocalEndPoint!;
        var remote = (IPEndPoint)connection.RemoteEndPoint!;
        var sni = connection.Features.Get<ITlsHandshakeFeature>()?.HostName;
        var table = state.Table;
        var route = table.Resolve(local.Address, local.Port, string.IsNullOrEmpty(sni) ? null : sni, out var failure);
        if (route is null)
        {
            Fail(connection, failure);
            return;
        }
        if (!limiter.TryEnter(route.AppName))
        {
            Fail(connection, RouteFailure.AppConnectionLimit);
            return;
        }
        try
        {
            // Not ConnectionClosed: Kestrel fires it when the client half-closes, which must not
            // cancel a connect or the copy of the bytes still in flight. An abort (a released
            // address) completes the pipes instead, which ends the pump.
            var stopping = lifetime.ApplicationStopping;
            var upstream = await connector.ConnectAsync(route, table, null, stopping);
            if (upstream.Socket is null)
            {
                Fail(connection, upstream.Failure);
                return;
            }
            using var socket = upstream.Socket;
            var counts = new Pump.Counts();
            try
            {
                if (route.Port.Has(Handlers.ProxyProto))
                {
                    await SendProxyHeaderAsync(socket, remote, local, route.Port.ProxyProtoOptions?.IsV2 == true, stopping);
                }
                var idle = route.Port.HttpOptions?.IdleTimeoutSeconds is { } seconds and > 0 ? TimeSpan.FromSeconds(seconds) : options.Value.IdleTimeout;
                await Pump.RunAsync(connection.Transport, socket, idle, counts, stopping);
                LogProxied(connection.ConnectionId, route.AppName, upstream.Instance!.Id, counts.Upstream, counts.Downstream);
            }
            catch (TimeoutException)
            {
                metrics.Error(ErrorReasons.IdleTimeout);
            }
            catch (SocketException e)
            {
                metrics.Error("upstream_reset");
                LogUpstreamError(connection.ConnectionId, e.SocketErrorCode.ToString());
            }
            finally
            {
                metrics.Bytes(counts.Upstream, counts.Downstream);
                state.Loads.Release(upstream.Load!);
            }
        }
        finally
        {
            limiter.Exit(route.AppName);
        }
    }

    /// <summary>One PROXY header before any app byte: the client's address and the address:port it dialled.</summary>
    private static async Task SendProxyHeaderAsync(Socket socket, IPEndPoint client, IPEndPoint dialled, bool v2, CancellationToken cancellationToken)
    {
        var buffer = new byte[Math.Max(ProxyProtocolWriter.MaxV1Length, ProxyProtocolWriter.MaxV2Length)];
        var length = v2
            ? ProxyProtocolWriter.WriteV2(client, dialled, buffer)
            : ProxyProtocolWriter.WriteV1(client, dialled, buffer);
        await socket.SendAsync(buffer.AsMemory(0, length), SocketFlags.None, cancellationToken);
    }

    private void Fail(ConnectionContext connection, RouteFailure failure)
    {
        metrics.Error(ErrorReasons.Of(failure));
        LogRefused(connection.ConnectionId, failure.ToString(), connection.LocalEndPoint?.ToString() ?? "");
        connection.Abort(new ConnectionAbortedException(failure.ToString()));
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "{Connection}: {App} via {Instance}, {Up} bytes up, {Down} bytes down")]
    private partial void LogProxied(string connection, string app, string instance, long up, long down);

    [LoggerMessage(Level = LogLevel.Information, Message = "{Connection}: refused ({Failure}) at {Local}")]
    private partial void LogRefused(string connection, string failure, string local);

    [LoggerMessage(Level = LogLevel.Debug, Message = "{Connection}: instance reset the connection ({Error})")]
    private partial void LogUpstreamError(string connection, string error);
}
