using System.Buffers;
using System.Net;
using System.Net.Sockets;
using Mesh.Gateway.Forwarding;
using Mesh.Gateway.Hosting;
using Mesh.Gateway.Pipeline;
using Mesh.Gateway.Protocols;
using Mesh.Gateway.Routing;
using Mesh.Gateway.Telemetry;
using Mesh.Interfaces.Config;
using System.IO.Pipelines;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Connections.Features;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Mesh.Gateway.Connections;

/// <summary>
/// The end of every TCP pipeline, after the listener (accept) and the TLS and Postgres stages:
/// route → pick and connect (<see cref="UpstreamConnector"/>) → PROXY header → pump → account.
/// Each failure is a <see cref="ProxyError"/>, counted and logged once per interval; the
/// connection alone is closed.
/// </summary>
public sealed partial class ProxyConnectionHandler(
    GatewayState state,
    UpstreamConnector connector,
    PostgresSessions postgres,
    GatewayMetrics metrics,
    ConnectionFailures failures,
    IOptions<GatewayOptions> options,
    IHostApplicationLifetime lifetime,
    ILogger<ProxyConnectionHandler> logger) : ConnectionHandler
{
    public override async Task OnConnectedAsync(ConnectionContext connection)
    {
        var local = (IPEndPoint)connection.LocalEndPoint!;
        var remote = (IPEndPoint)connection.RemoteEndPoint!;
        var table = state.Table;
        // Resolved once, by the TLS choice or the route stage right before this handler.
        var route = connection.Features.Get<IRouteFeature>()!.Route;
        if (route.Kind == ListenerKind.PgTls && await TryCancelAsync(connection))
        {
            return;
        }
        // Not ConnectionClosed: Kestrel fires it when the client half-closes, which must not
        // cancel a connect or the copy of the bytes still in flight. An abort (a released
        // address) completes the pipes instead, which ends the pump.
        var stopping = lifetime.ApplicationStopping;
        var upstream = await connector.ConnectAsync(new UpstreamRequest(route, table.InstancesOf(route.AppName)) { Client = remote.Address }, stopping);
        if (upstream.Socket is null)
        {
            Fail(connection, upstream.Error);
            return;
        }
        using var lease = upstream.Lease;
        using var socket = upstream.Socket;
        var counts = new Pump.Counts();
        try
        {
            if (route.Port.Has(Handlers.ProxyProto))
            {
                await SendProxyHeaderAsync(socket, remote, local, route.Port.ProxyProtoOptions?.IsV2 == true, connection.Features.Get<ITlsHandshakeFeature>(), stopping);
            }
            var idle = route.Port.HttpOptions?.IdleTimeoutSeconds is { } seconds and > 0 ? TimeSpan.FromSeconds(seconds) : options.Value.IdleTimeout;
            var tracker = route.Kind == ListenerKind.PgTls ? new SessionTracker(postgres, lease.Instance!.Address) : null;
            PumpOutcome outcome;
            try
            {
                outcome = connection is Listeners.DirectSocketConnection direct
                    ? await SocketPump.RunAsync(direct.Socket, socket, idle, counts, stopping, options.Value.TcpSplice)
                    : await Pump.RunAsync(connection.Transport, socket, idle, counts, stopping, tracker is null ? null : tracker.Feed);
            }
            finally
            {
                tracker?.End();
            }
            switch (outcome)
            {
                case PumpOutcome.IdleTimeout:
                    metrics.Error(ProxyError.IdleTimeout);
                    break;
                case PumpOutcome.UpstreamReset:
                    // Not counted: a reset racing an orderly close is common and no failure of the gateway's.
                    LogUpstreamError(connection.ConnectionId, "reset");
                    break;
                default:
                    LogProxied(connection.ConnectionId, route.AppName, lease.Instance!.Id, counts.Upstream, counts.Downstream);
                    break;
            }
        }
        catch (SocketException e)
        {
            metrics.Error(ProxyError.UpstreamReset);
            LogUpstreamError(connection.ConnectionId, e.SocketErrorCode.ToString());
        }
        finally
        {
            metrics.Bytes(counts.Upstream, counts.Downstream);
        }
    }

    /// <summary>
    /// A CancelRequest sent inside TLS (libpq 17 negotiates TLS for cancels too) goes to the
    /// instance holding the session; anything else is left unread for the pump.
    /// </summary>
    private async Task<bool> TryCancelAsync(ConnectionContext connection)
    {
        using var timeout = new CancellationTokenSource(options.Value.HandshakeTimeout);
        var input = connection.Transport.Input;
        PostgresStartReader.Peeked peeked;
        try
        {
            peeked = await PostgresStartReader.PeekAsync(input, timeout.Token);
        }
        catch (OperationCanceledException)
        {
            metrics.Error(ErrorReasons.HandshakeTimeout);
            return true;
        }
        var (result, start, buffer) = peeked;
        if (result == PeekResult.Parsed && start.Kind == PostgresStartKind.CancelRequest)
        {
            var packet = buffer.Slice(0, start.Length).ToArray();
            input.AdvanceTo(buffer.GetPosition(start.Length));
            await postgres.ForwardCancelAsync(start, packet, timeout.Token);
            return true;
        }
        input.AdvanceTo(buffer.Start);
        return false;
    }

    /// <summary>Registers the session's BackendKeyData once seen, and forgets it when the connection ends.</summary>
    private sealed class SessionTracker(PostgresSessions sessions, string instanceAddress)
    {
        private readonly BackendKeyScanner _scanner = new();
        private bool _registered;

        public void Feed(ReadOnlySpan<byte> chunk)
        {
            if (_scanner.Done) return;
            _scanner.Feed(chunk);
            if (_scanner is { Done: true, SecretKey: { } key })
            {
                sessions.Add(_scanner.ProcessId, key, instanceAddress);
                _registered = true;
            }
        }

        public void End()
        {
            if (_registered) sessions.Remove(_scanner.ProcessId, _scanner.SecretKey!);
        }
    }

    /// <summary>
    /// One PROXY header before any app byte: the client's address and the address:port it dialled;
    /// in v2 after TLS ended here, also the SSL TLV (client flag, version) and the SNI as authority.
    /// </summary>
    private static async Task SendProxyHeaderAsync(Socket socket, IPEndPoint client, IPEndPoint dialled, bool v2, ITlsHandshakeFeature? tls, CancellationToken cancellationToken)
    {
        var buffer = new byte[Math.Max(ProxyProtocolWriter.MaxV1Length, ProxyProtocolWriter.MaxV2LengthWithTlvs)];
        var length = v2
            ? ProxyProtocolWriter.WriteV2(client, dialled, ServerNames.Normalize(tls?.HostName), tls is null ? null : ProxySsl.Terminated(TlsVersionNames.Of(tls.Protocol)), buffer)
            : ProxyProtocolWriter.WriteV1(client, dialled, buffer);
        await socket.SendAsync(buffer.AsMemory(0, length), SocketFlags.None, cancellationToken);
    }

    private void Fail(ConnectionContext connection, ProxyError failure)
    {
        failures.Fail(failure, $"{failure} for {connection.RemoteEndPoint} at {connection.LocalEndPoint}");
        connection.Abort(new ConnectionAbortedException(failure.ToString()));
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "{Connection}: {App} via {Instance}, {Up} bytes up, {Down} bytes down")]
    private partial void LogProxied(string connection, string app, string instance, long up, long down);

    [LoggerMessage(Level = LogLevel.Debug, Message = "{Connection}: instance reset the connection ({Error})")]
    private partial void LogUpstreamError(string connection, string error);
}
