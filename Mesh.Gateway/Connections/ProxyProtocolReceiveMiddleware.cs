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
/// anyone reach the gateway directly and pass for the balancer's clients' addresses.
/// </summary>
public sealed class ProxyProtocolReceiveMiddleware(GatewayMetrics metrics, IOptions<GatewayOptions> options)
{
    public Func<ConnectionDelegate, ConnectionDelegate> Middleware => next => async connection =>
    {
        if (!options.Value.AcceptProxyProtocol)
        {
            await next(connection);
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
                metrics.Error(ErrorReasons.HandshakeTimeout);
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
                metrics.Error("proxy_header_invalid");
                return;
            }
            input.AdvanceTo(buffer.GetPosition(consumed));
            // LOCAL (a balancer's health check) carries no addresses: keep the socket's own.
            if (header?.Source is { } source) connection.RemoteEndPoint = source;
            break;
        }
        await next(connection);
    };
}
