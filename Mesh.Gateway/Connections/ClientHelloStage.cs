using System.Buffers;
using System.IO.Pipelines;
using System.Net;
using Mesh.Gateway.Hosting;
using Mesh.Gateway.Protocols;
using Mesh.Gateway.Routing;
using Mesh.Gateway.Telemetry;
using Microsoft.AspNetCore.Connections;
using Microsoft.Extensions.Options;

namespace Mesh.Gateway.Connections;

/// <summary>
/// The stage right before Kestrel's TLS stage: while a tls-alpn-01 challenge is open, peeks the
/// ClientHello (never consuming it) and makes the TLS choice with what Kestrel's callback cannot
/// see, the ALPN list (acme-tls/1 for TLS-ALPN-01). A ClientHello that cannot be served is
/// answered here with a TLS alert, <c>unrecognized_name</c> for an unknown SNI: at this point the
/// ClientHello has been read and nothing written, so a plaintext alert record (RFC 8446 §6, §5.1)
/// is what a TLS server would send. SslStream cannot: when the selection callback throws it
/// closes without an alert. With no challenge open (nearly always) nothing is peeked or parsed:
/// the handshake goes straight to Kestrel and <see cref="TlsOptionsSelector"/> decides from the
/// SNI, writing the same alert itself before it refuses.
/// </summary>
public sealed class ClientHelloStage(GatewayState state, TlsOptionsSelector selector, GatewayMetrics metrics, IOptions<GatewayOptions> options)
{
    public Func<ConnectionDelegate, ConnectionDelegate> Middleware => next => async connection =>
    {
        if (!state.Table.Challenges.HasTlsAlpn)
        {
            await next(connection);
            return;
        }
        var input = connection.Transport.Input;
        ClientHelloInfo? hello;
        using (var cts = new CancellationTokenSource(options.Value.HandshakeTimeout))
        {
            try
            {
                hello = await PeekAsync(input, cts.Token);
            }
            catch (OperationCanceledException)
            {
                // A client that never finishes its ClientHello: the TLS stage would time it out too.
                return;
            }
        }
        if (hello is not null && connection.LocalEndPoint is IPEndPoint local)
        {
            var choice = selector.Choose(state.Table, local, ServerNames.Normalize(hello.ServerName), hello.ApplicationProtocols);
            if (choice.Options is null)
            {
                metrics.Error(choice.Reason!);
                if (choice.Alert is { } alert)
                {
                    await connection.Transport.Output.WriteAsync(AlertRecord(alert));
                }
                return;
            }
            connection.Features.Set(choice);
        }
        await next(connection);
    };

    /// <summary>A fatal alert as a plaintext TLS record: type alert (21), version 3.3, length 2, level fatal (2), description.</summary>
    public static byte[] AlertRecord(byte description) => [0x15, 0x03, 0x03, 0x00, 0x02, 0x02, description];

    /// <summary>The ClientHello at the start of the input, or null when it is not one the reader parses (the TLS stage then decides).</summary>
    private static async Task<ClientHelloInfo?> PeekAsync(PipeReader input, CancellationToken cancellationToken)
    {
        while (true)
        {
            var result = await input.ReadAsync(cancellationToken);
            var buffer = result.Buffer;
            var peek = ClientHelloReader.TryRead(buffer, out var hello);
            if (peek != PeekResult.NeedMore || result.IsCompleted)
            {
                input.AdvanceTo(buffer.Start);
                return peek == PeekResult.Parsed ? hello : null;
            }
            input.AdvanceTo(buffer.Start, buffer.End);
        }
    }
}
