using System.Buffers;
using Mesh.Gateway.Hosting;
using Mesh.Gateway.Protocols;
using Mesh.Gateway.Telemetry;
using Microsoft.AspNetCore.Connections;
using Microsoft.Extensions.Options;

namespace Mesh.Gateway.Connections;

/// <summary>
/// When the gateway sits behind a load balancer that sends the PROXY protocol
/// (<c>Mesh:Gateway:AcceptProxyProtocol</c>), the first stage of every pipeline reads that header
/// (v1 or v2), consumes it, and makes its source the connection's client address, so
/// Fly-Client-IP, X-Forwarded-For and an outgoing PROXY header carry the real client. A
/// connection without a valid header is closed and counted: trusting a missing header would let
/// anyone reach the gateway directly and pass for the balancer's clients' addresses. Likewise a
/// connection from outside <c>Mesh:Gateway:TrustedProxies</c> is closed before a byte is read:
/// its header would be a claim anyone can make.
/// </summary>
public sealed class ProxyProtocolReceiveMiddleware(ConnectionFailures failures, IOptions<GatewayOptions> options)
{
    private readonly TrustedProxies _trusted = TrustedProxies.Parse(options.Value.TrustedProxies);

    public Func<ConnectionDelegate, ConnectionDelegate> Middleware => next => async connection =>
    {
        if (!options.Value.AcceptProxyProtocol)
        {
            await next(connection);
            return;
        }
        if (!_trusted.Trusts(connection.RemoteEndPoint))
        {
            failures.Fail(ErrorReasons.ProxyUntrusted, $"PROXY header from {connection.RemoteEndPoint}, outside Mesh:Gateway:TrustedProxies");
            return;
        }
        using var timeout = new CancellationTokenSource(options.Value.HandshakeTimeout);
        var input = connection.Transport.Input;
        while (true)
        {
            System.IO.Pipelines.ReadResult read;
            try
            {
                read = await input.ReadAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                failures.Fail(ErrorReasons.HandshakeTimeout, $"no PROXY header from {connection.RemoteEndPoint} within the handshake timeout");
                return;
            }
            var buffer = read.Buffer;
            var result = ProxyProtocolReader.TryRead(buffer, out var header, out var consumed);
            if (result == PeekResult.NeedMore && !read.IsCompleted)
            {
                input.AdvanceTo(buffer.Start, buffer.End);
                continue;
            }
            if (result != PeekResult.Parsed)
            {
                input.AdvanceTo(buffer.Start);
                failures.Fail(ErrorReasons.ProxyHeaderInvalid, $"no valid PROXY header from {connection.RemoteEndPoint}");
                return;
            }
            input.AdvanceTo(buffer.GetPosition(consumed));
            // LOCAL (a balancer's health check) carries no addresses: keep the socket's own.
            if (header?.Source is { } source) connection.RemoteEndPoint = source;
            if (header is not null) connection.Features.Set(new ProxyProtocolFeature(header));
            break;
        }
        await next(connection);
    };
}
