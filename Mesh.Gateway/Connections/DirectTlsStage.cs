using System.IO.Pipelines;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using Mesh.Gateway.Hosting;
using Mesh.Gateway.Listeners;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Connections.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core.Features;
using Microsoft.Extensions.Options;

namespace Mesh.Gateway.Connections;

/// <summary>
/// TLS on the accepted socket itself, for <c>tls</c>+<c>http</c> ports (<see cref="GatewayOptions.DirectTls"/>):
/// the same choice of certificate and ALPN as Kestrel's TLS stage (<see cref="TlsOptionsSelector.Decide"/>),
/// the same alert for a refused SNI, the same handshake timeout, but the TLS stream reads and writes
/// the socket directly. Under Kestrel's TLS stage every record went socket → transport pipe →
/// DuplexPipeStream → SslStream and back through a second pipe and a send loop; here it is socket →
/// SslStream → the connection's pipe. A failed handshake ends the connection without calling on,
/// as Kestrel's stage does (<see cref="TlsFailureCounter"/> counts it).
/// </summary>
public sealed class DirectTlsStage(TlsOptionsSelector selector, IOptions<GatewayOptions> options)
{
    // No pool: the pipes rent their segments from ArrayPool<byte>.Shared without an owner object per
    // rent. Zero-byte reads: an idle keep-alive connection holds no buffer while it waits.
    private static readonly StreamPipeReaderOptions ReaderOptions = new(pool: null, bufferSize: 4096, minimumReadSize: 1024, leaveOpen: true, useZeroByteReads: true);
    private static readonly StreamPipeWriterOptions WriterOptions = new(pool: null, minimumBufferSize: 4096, leaveOpen: true);

    public Func<ConnectionDelegate, ConnectionDelegate> Middleware => next => async connection =>
    {
        var direct = (DirectSocketConnection)connection;
        var ssl = new SslStream(new NetworkStream(direct.Socket, ownsSocket: false), leaveInnerStreamOpen: false);
        try
        {
            using var timeout = new CancellationTokenSource(options.Value.HandshakeTimeout);
            await ssl.AuthenticateAsServerAsync(static (_, hello, state, ct) => ((Handshake)state!).SelectAsync(hello, ct), new Handshake(selector, direct), timeout.Token);
        }
        catch (Exception)
        {
            // Garbage, a refused SNI, a timeout, a client gone mid-handshake: Kestrel's stage ends these
            // the same way, and the failure is counted and logged once per interval by TlsFailureCounter.
            await ssl.DisposeAsync();
            return;
        }
        var features = new DirectTlsFeatures(ssl);
        connection.Features.Set<ITlsConnectionFeature>(features);
        connection.Features.Set<ITlsHandshakeFeature>(features);
        connection.Features.Set<ITlsApplicationProtocolFeature>(features);
        connection.Features.Set<ISslStreamFeature>(features);
        var input = PipeReader.Create(ssl, ReaderOptions);
        var output = PipeWriter.Create(ssl, WriterOptions);
        connection.Transport = new Pipe(input, output);
        try
        {
            await next(connection);
        }
        finally
        {
            await input.CompleteAsync();
            await output.CompleteAsync();
            await ssl.DisposeAsync();
        }
    };

    private sealed class Handshake(TlsOptionsSelector selector, DirectSocketConnection connection)
    {
        public async ValueTask<SslServerAuthenticationOptions> SelectAsync(SslClientHelloInfo hello, CancellationToken cancellationToken)
        {
            var choice = selector.Decide(connection, hello.ServerName);
            if (choice.Options is { } chosen) return chosen;
            if (choice.Alert is { } alert)
            {
                // Nothing has been written yet (the stream waits for these options before its ServerHello):
                // the alert goes on the socket as a plaintext record, as Kestrel's stage sends it.
                try
                {
                    await connection.Socket.SendAsync(ClientHelloStage.AlertRecord(alert), SocketFlags.None, cancellationToken);
                }
                catch (Exception e) when (e is SocketException or ObjectDisposedException or OperationCanceledException)
                {
                    // The client is gone already: nothing to tell it.
                }
            }
            throw new AuthenticationException(choice.Message);
        }
    }

    private sealed class Pipe(PipeReader input, PipeWriter output) : IDuplexPipe
    {
        public PipeReader Input => input;

        public PipeWriter Output => output;
    }
}
