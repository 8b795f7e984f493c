using System.Buffers;
using Mesh.Gateway.Hosting;
using Mesh.Gateway.Protocols;
using Mesh.Gateway.Telemetry;
using Microsoft.AspNetCore.Connections;
using Microsoft.Extensions.Options;

namespace Mesh.Gateway.Connections;

/// <summary>
/// The stage before TLS on <c>pg_tls</c> ports (DESIGN §4, §8): a Postgres client asks for TLS
/// with an 8-byte SSLRequest, which is answered 'S' and consumed, so the TLS stage sees the
/// ClientHello next. PostgreSQL 17 direct TLS (a ClientHello straight away) passes untouched.
/// GSSENCRequest is answered 'N' (the client then asks for TLS); a plaintext StartupMessage gets
/// an ErrorResponse saying TLS is required; a CancelRequest goes to the instance that holds the
/// session. Peeks, and consumes only the bytes it answered; the wait is bounded by the handshake timeout.
/// </summary>
public sealed class PostgresPreambleMiddleware(PostgresSessions sessions, GatewayMetrics metrics, IOptions<GatewayOptions> options)
{
    private static readonly byte[] TlsRequired = PostgresMessages.ErrorResponse("28000", "SSL/TLS required: connect with sslmode=require");

    public Func<ConnectionDelegate, ConnectionDelegate> Middleware => next => connection => RunAsync(connection, next);

    private async Task RunAsync(ConnectionContext connection, ConnectionDelegate next)
    {
        using var timeout = new CancellationTokenSource(options.Value.HandshakeTimeout);
        var input = connection.Transport.Input;
        var output = connection.Transport.Output;
        while (true)
        {
            PostgresStartReader.Peeked peeked;
            try
            {
                peeked = await PostgresStartReader.PeekAsync(input, timeout.Token);
            }
            catch (OperationCanceledException)
            {
                metrics.Error(ErrorReasons.HandshakeTimeout);
                return;
            }
            var (result, start, buffer) = peeked;
            switch (result)
            {
                case PeekResult.Parsed when start.Kind == PostgresStartKind.SslRequest:
                    input.AdvanceTo(buffer.GetPosition(start.Length));
                    await output.WriteAsync(PostgresMessages.SslAccepted.ToArray());
                    await next(connection);
                    return;
                case PeekResult.Parsed when start.Kind == PostgresStartKind.DirectTls:
                    input.AdvanceTo(buffer.Start);
                    await next(connection);
                    return;
                case PeekResult.Parsed when start.Kind == PostgresStartKind.GssEncRequest:
                    input.AdvanceTo(buffer.GetPosition(start.Length));
                    await output.WriteAsync(PostgresMessages.GssRejected.ToArray());
                    continue;
                case PeekResult.Parsed when start.Kind == PostgresStartKind.CancelRequest:
                    var packet = buffer.Slice(0, start.Length).ToArray();
                    input.AdvanceTo(buffer.GetPosition(start.Length));
                    await sessions.ForwardCancelAsync(start, packet, timeout.Token);
                    return;
                case PeekResult.Parsed when start.Kind == PostgresStartKind.Startup:
                    input.AdvanceTo(buffer.GetPosition(start.Length));
                    metrics.Error(ErrorReasons.PostgresPlaintext);
                    await output.WriteAsync(TlsRequired);
                    return;
                default:
                    input.AdvanceTo(buffer.Start);
                    metrics.Error(ErrorReasons.PostgresPreamble);
                    return;
            }
        }
    }
}
