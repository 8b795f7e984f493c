using System.IO.Pipelines;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using Mesh.Gateway.Hosting;
using Mesh.Gateway.Listeners;
using Mesh.Gateway.Telemetry;
using Mesh.Gateway.Tls;
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
/// OpenSSL (<see cref="NativeTlsConnection"/>, or SslStream for a certificate to staple and with
/// <see cref="GatewayOptions.NativeTls"/> off) → the connection's pipe. A failed handshake ends the connection without calling on,
/// as Kestrel's stage does (<see cref="TlsFailureCounter"/> counts it).
/// </summary>
public sealed class DirectTlsStage(TlsOptionsSelector selector, GatewayMetrics metrics, IOptions<GatewayOptions> options)
{
    // No pool: the pipes rent their segments from ArrayPool<byte>.Shared without an owner object per
    // rent. Zero-byte reads: an idle keep-alive connection holds no buffer while it waits.
    private static readonly StreamPipeReaderOptions ReaderOptions = new(pool: null, bufferSize: 4096, minimumReadSize: 1024, leaveOpen: true, useZeroByteReads: true);
    private static readonly StreamPipeWriterOptions WriterOptions = new(pool: null, minimumBufferSize: 4096, leaveOpen: true);

    public Func<ConnectionDelegate, ConnectionDelegate> Middleware => next => async connection =>
    {
        var direct = (DirectSocketConnection)connection;
        Stream? tls;
        using (var timeout = new CancellationTokenSource(options.Value.HandshakeTimeout))
        {
            // Garbage, a refused SNI, a timeout, a client gone mid-handshake: Kestrel's stage ends these
            // the same way, and the failure is counted and logged once per interval by TlsFailureCounter.
            tls = await HandshakeAsync(direct, timeout.Token);
        }
        if (tls is null) return;
        // On OpenSSL the pipes are the TLS layer's own buffers; SslStream gets the stream adapters.
        var (input, output) = tls is NativeTlsConnection native
            ? ((PipeReader)new NativeTlsPipeReader(native), (PipeWriter)new NativeTlsPipeWriter(native))
            : (PipeReader.Create(tls, ReaderOptions), PipeWriter.Create(tls, WriterOptions));
        connection.Transport = new Pipe(input, output);
        try
        {
            await next(connection);
        }
        finally
        {
            await input.CompleteAsync();
            await output.CompleteAsync();
            await tls.DisposeAsync();
        }
    };

    /// <summary>
    /// The handshake: on OpenSSL directly (<see cref="NativeTlsConnection"/>) when it can serve the
    /// choice, else on SslStream, replaying what the native attempt read; the TLS features Kestrel's
    /// stage would set go on the connection. Null when it failed.
    /// </summary>
    private async ValueTask<Stream?> HandshakeAsync(DirectSocketConnection direct, CancellationToken cancellationToken)
    {
        ReadOnlyMemory<byte> replay = default;
        if (options.Value.NativeTls && NativeTlsContexts.IsAvailable)
        {
            // OpenSSL reads and writes the descriptor itself: it must not block.
            direct.Socket.Blocking = false;
            // On the gateway's loop with the rest of the connection's path (its requests to the app).
            var epoll = Epoll.EpollNative.Enabled ? Epoll.EpollSocket.TryCreate(direct.Socket) : null;
            direct.Epoll = epoll;
            var native = new NativeTlsConnection(direct.Socket, sni => selector.Decide(direct, sni), epoll);
            try
            {
                if (await native.HandshakeAsync(cancellationToken))
                {
                    metrics.Count("tls.handshakes_native");
                    var features = new NativeTlsFeatures(native);
                    direct.Features.Set<ITlsConnectionFeature>(features);
                    direct.Features.Set<ITlsHandshakeFeature>(features);
                    direct.Features.Set<ITlsApplicationProtocolFeature>(features);
                    return native;
                }
            }
            catch (Exception)
            {
                await native.DisposeAsync();
                return null;
            }
            // A choice OpenSSL does not serve (a certificate to staple): SslStream takes it from the
            // bytes read so far, with the choice already made (the selector hands it back once).
            metrics.Count("tls.handshakes_sslstream");
            direct.Features.Set(native.Fallback);
            replay = native.Prefix.ToArray();
            await native.DisposeAsync();
            // SslStream runs on .NET's socket engine.
            epoll?.Detach();
            direct.Epoll = null;
            direct.Socket.Blocking = true;
        }
        Stream inner = new NetworkStream(direct.Socket, ownsSocket: false);
        if (!replay.IsEmpty) inner = new ReplayStream(replay, inner);
        var ssl = new SslStream(inner, leaveInnerStreamOpen: false);
        try
        {
            await ssl.AuthenticateAsServerAsync(static (_, hello, state, ct) => ((Handshake)state!).SelectAsync(hello, ct), new Handshake(selector, direct), cancellationToken);
        }
        catch (Exception)
        {
            await ssl.DisposeAsync();
            return null;
        }
        var sslFeatures = new DirectTlsFeatures(ssl);
        direct.Features.Set<ITlsConnectionFeature>(sslFeatures);
        direct.Features.Set<ITlsHandshakeFeature>(sslFeatures);
        direct.Features.Set<ITlsApplicationProtocolFeature>(sslFeatures);
        direct.Features.Set<ISslStreamFeature>(sslFeatures);
        return ssl;
    }

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
