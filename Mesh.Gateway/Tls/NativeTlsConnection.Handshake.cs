using System.Buffers;
using System.Net.Security;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Security.Authentication;
using System.Text;
using Mesh.Gateway.Connections;
using static Mesh.Gateway.Tls.OpenSsl;

namespace Mesh.Gateway.Tls;

/// <summary>
/// The handshake half of <see cref="NativeTlsConnection"/>: the loop that feeds OpenSSL what the
/// socket delivers, and the ClientHello and ALPN callbacks OpenSSL calls back into during it.
/// </summary>
internal sealed partial class NativeTlsConnection
{
    /// <summary>
    /// Runs the handshake: true once done, false when <see cref="Fallback"/> is set (nothing written).
    /// Throws on a refused or failed handshake, after sending OpenSSL's alert.
    /// </summary>
    public async ValueTask<bool> HandshakeAsync(CancellationToken cancellationToken)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(4096);
        try
        {
            while (true)
            {
                var (result, error, message) = Step();
                if (Fallback is not null) return false;
                if (result == 1)
                {
                    await SendPendingAsync(cancellationToken);
                    Finish();
                    return true;
                }
                if (error != SSL_ERROR_WANT_READ)
                {
                    if (!_silent) await SendPendingAsync(cancellationToken);
                    throw new AuthenticationException(Refusal ?? message ?? $"TLS handshake failed (OpenSSL error {error})");
                }
                await SendPendingAsync(cancellationToken);
                var read = _epoll is not null
                    ? await _epoll.ReceiveAsync(buffer, cancellationToken)
                    : await _socket.ReceiveAsync(buffer, SocketFlags.None, cancellationToken);
                if (read == 0) throw new AuthenticationException("the client closed the connection during the TLS handshake");
                _prefix?.Write(buffer.AsSpan(0, read));
                Feed(buffer.AsSpan(0, read));
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private unsafe void Feed(ReadOnlySpan<byte> data)
    {
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_ssl == 0, this);
            fixed (byte* p = data) BIO_write(_readBio, p, data.Length);
        }
    }

    /// <summary>One call of the handshake, and why it stopped if it did not finish.</summary>
    private (int Result, int Error, string? Message) Step()
    {
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_ssl == 0, this);
            ERR_clear_error();
            var result = SSL_do_handshake(_ssl);
            if (result == 1) return (1, SSL_ERROR_NONE, null);
            var error = SSL_get_error(_ssl, result);
            return (result, error, error is SSL_ERROR_SSL or SSL_ERROR_SYSCALL ? TakeError() : null);
        }
    }

    private unsafe void Finish()
    {
        lock (_gate)
        {
            _prefix = null;
            Protocol = SSL_version(_ssl) switch
            {
                TLS1_3_VERSION => SslProtocols.Tls13,
                TLS1_2_VERSION => SslProtocols.Tls12,
                _ => SslProtocols.None,
            };
            var cipher = SSL_get_current_cipher(_ssl);
            CipherSuite = cipher == 0 ? TlsCipherSuite.TLS_NULL_WITH_NULL_NULL : (TlsCipherSuite)(ushort)SSL_CIPHER_get_protocol_id(cipher);
            byte* alpn;
            uint length;
            SSL_get0_alpn_selected(_ssl, &alpn, &length);
            var chosen = new ReadOnlySpan<byte>(alpn, (int)length);
            ApplicationProtocol = chosen.SequenceEqual(SslApplicationProtocol.Http2.Protocol.Span) ? SslApplicationProtocol.Http2
                : chosen.SequenceEqual(SslApplicationProtocol.Http11.Protocol.Span) ? SslApplicationProtocol.Http11
                : length == 0 ? default : new SslApplicationProtocol(chosen.ToArray());
        }
    }

    [UnmanagedCallersOnly]
    internal static unsafe int OnClientHello(nint ssl, int* alert, nint arg)
    {
        try
        {
            var self = SSL_get_ex_data(ssl, 0);
            if (self == 0) return SSL_CLIENT_HELLO_ERROR;
            return ((NativeTlsConnection)GCHandle.FromIntPtr(self).Target!).Choose(ssl, alert);
        }
        catch (Exception)
        {
            *alert = 80; // internal_error
            return SSL_CLIENT_HELLO_ERROR;
        }
    }

    [UnmanagedCallersOnly]
    internal static unsafe int OnAlpn(nint ssl, byte** output, byte* outputLength, byte* offered, uint offeredLength, nint arg)
    {
        var self = SSL_get_ex_data(ssl, 0);
        if (self == 0) return SSL_TLSEXT_ERR_NOACK;
        var connection = (NativeTlsConnection)GCHandle.FromIntPtr(self).Target!;
        if (connection._alpn == 0) return SSL_TLSEXT_ERR_NOACK;
        // The server's order wins, as SslStream chooses; no protocol in common fails the handshake (no_application_protocol), as there.
        return SSL_select_next_proto(output, outputLength, (byte*)connection._alpn, (uint)connection._alpnLength, offered, offeredLength) == OPENSSL_NPN_NEGOTIATED
            ? SSL_TLSEXT_ERR_OK
            : SSL_TLSEXT_ERR_ALERT_FATAL;
    }

    /// <summary>The ClientHello callback: the selector's choice for the SNI, applied to the SSL before OpenSSL picks a version.</summary>
    private unsafe int Choose(nint ssl, int* alert)
    {
        byte* extension;
        nuint length;
        ServerName = SSL_client_hello_get0_ext(ssl, TLSEXT_TYPE_server_name, &extension, &length) == 1
            ? ParseServerName(new ReadOnlySpan<byte>(extension, (int)length))
            : null;
        var choice = _choose(ServerName);
        if (choice.Options is not { ServerCertificateContext: { } certificate } options)
        {
            Refusal = choice.Message ?? "TLS handshake refused";
            // No alert named: the connection just closes, as it does on Kestrel's stage.
            _silent = choice.Alert is null;
            *alert = choice.Alert ?? TlsChoice.HandshakeFailure;
            return SSL_CLIENT_HELLO_ERROR;
        }
        if (NativeTlsContexts.For(certificate) is not { } context)
        {
            Fallback = choice;
            _silent = true;
            return SSL_CLIENT_HELLO_ERROR;
        }
        // Chosen: no replay will be needed.
        _prefix = null;
        SSL_set_SSL_CTX(ssl, context.Handle);
        fixed (byte* id = context.SessionContext) SSL_set_session_id_context(ssl, id, (uint)context.SessionContext.Length);
        var versions = options.EnabledSslProtocols;
        SSL_ctrl(ssl, SSL_CTRL_SET_MIN_PROTO_VERSION, versions.HasFlag(SslProtocols.Tls12) ? TLS1_2_VERSION : TLS1_3_VERSION, 0);
        SSL_ctrl(ssl, SSL_CTRL_SET_MAX_PROTO_VERSION, versions.HasFlag(SslProtocols.Tls13) ? TLS1_3_VERSION : TLS1_2_VERSION, 0);
        (_alpn, _alpnLength) = NativeTlsContexts.AlpnWire.For(options.ApplicationProtocols);
        return SSL_CLIENT_HELLO_SUCCESS;
    }

    /// <summary>The host_name of a server_name extension (RFC 6066 §3), or null if it has none or is malformed (OpenSSL then refuses the extension itself).</summary>
    internal static string? ParseServerName(ReadOnlySpan<byte> extension)
    {
        if (extension.Length < 2) return null;
        var list = extension.Slice(2);
        if ((extension[0] << 8 | extension[1]) != list.Length) return null;
        while (list.Length >= 3)
        {
            var type = list[0];
            var length = list[1] << 8 | list[2];
            if (list.Length < 3 + length) return null;
            if (type == 0) return length == 0 ? null : Encoding.Latin1.GetString(list.Slice(3, length));
            list = list.Slice(3 + length);
        }
        return null;
    }
}
