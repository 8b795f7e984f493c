using System.Buffers;
using System.Net.Security;
using System.Net.Sockets;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Security.Authentication;
using Mesh.Gateway.Async;
using Mesh.Gateway.Connections;
using static Mesh.Gateway.Tls.OpenSsl;

namespace Mesh.Gateway.Tls;

/// <summary>
/// TLS over OpenSSL on the accepted socket. The connection's pipes call it directly
/// (<see cref="NativeTlsPipeReader"/>, <see cref="NativeTlsPipeWriter"/>); it is a stream as well,
/// for its disposal alongside SslStream and for any reader of a stream. After the
/// handshake, OpenSSL reads the socket's descriptor itself (a socket BIO with read-ahead: one
/// recv per burst of records, no frame parsing or buffer copy in managed code), and records it
/// writes collect in a memory BIO that one non-blocking send empties on flush. The socket is only
/// waited on (zero-byte receives), never read by .NET.
/// </summary>
/// <remarks>
/// <para>The handshake reads the socket into a memory BIO instead, keeping what it read until the
/// ClientHello callback has chosen: a choice OpenSSL cannot serve (a certificate to staple) ends the
/// native attempt before anything is written, and the bytes read so far replay into SslStream
/// (<see cref="Prefix"/>). The read side moves onto the socket once that BIO is drained.</para>
/// <para>One lock guards the SSL object: Kestrel's h2 reads and writes from two loops, and OpenSSL
/// allows one call on an SSL at a time. The socket's handle is referenced around every call, so a
/// socket closed meanwhile (an abort) can never leave OpenSSL a descriptor number reused by
/// another connection.</para>
/// </remarks>
internal sealed partial class NativeTlsConnection : Stream
{
    // Records waiting in the write BIO beyond this go out before the next write (a large body
    // written in many pieces between flushes).
    private const int SendThreshold = 64 * 1024;

    private readonly Socket _socket;
    /// <summary>The gateway's socket loop, when the socket is on it (its waits and sends; OpenSSL still reads the descriptor).</summary>
    private readonly Epoll.EpollSocket? _epoll;
    private uint _edgesBeforeRead;
    private bool _readWouldBlock;
    private readonly SafeHandle _handle;
    private readonly Func<string?, TlsChoice> _choose;
    private readonly Lock _gate = new();
    private GCHandle _self;
    private nint _ssl;
    private nint _readBio;
    private readonly nint _writeBio;
    private bool _memoryReads = true;
    private ArrayBufferWriter<byte>? _prefix = new(1024);
    private nint _alpn;
    private int _alpnLength;
    private bool _silent;

    public NativeTlsConnection(Socket socket, Func<string?, TlsChoice> choose, Epoll.EpollSocket? epoll = null)
    {
        _socket = socket;
        _epoll = epoll;
        _handle = socket.SafeHandle;
        _choose = choose;
        _ssl = SSL_new(NativeTlsContexts.Base);
        if (_ssl == 0) throw new InvalidOperationException("SSL_new failed: " + TakeError());
        _readBio = BIO_new(BIO_s_mem());
        _writeBio = BIO_new(BIO_s_mem());
        SSL_set_bio(_ssl, _readBio, _writeBio);
        SSL_set_accept_state(_ssl);
        _self = GCHandle.Alloc(this);
        SSL_set_ex_data(_ssl, 0, GCHandle.ToIntPtr(_self));
    }

    /// <summary>The SNI the client sent, if any.</summary>
    public string? ServerName { get; private set; }

    /// <summary>Why the handshake was refused, for the exception (the refusal itself was counted by the selector).</summary>
    public string? Refusal { get; private set; }

    /// <summary>Set when the ClientHello's choice must be served by SslStream: the choice, and <see cref="Prefix"/> the bytes read.</summary>
    public TlsChoice? Fallback { get; private set; }

    /// <summary>What the handshake read from the socket before the choice (for a fallback's replay).</summary>
    public ReadOnlyMemory<byte> Prefix => _prefix?.WrittenMemory ?? default;

    public SslProtocols Protocol { get; private set; }

    public TlsCipherSuite CipherSuite { get; private set; }

    public SslApplicationProtocol ApplicationProtocol { get; private set; }

    public override bool CanRead => true;

    public override bool CanWrite => true;

    public override bool CanSeek => false;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    /// <summary>
    /// Reads decrypted bytes. A zero-byte read waits until the socket is readable (or OpenSSL holds
    /// bytes already), so an idle connection holds no buffer. Returns 0 at the client's close.
    /// </summary>
    [AsyncMethodBuilder(typeof(PooledValueTaskMethodBuilder<>))]
    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (buffer.IsEmpty)
        {
            if (!HasPending()) await WaitReadableAsync(cancellationToken);
            return 0;
        }
        while (true)
        {
            var read = ReadCore(buffer.Span, out var error, out var message);
            if (read > 0) return read;
            switch (error)
            {
                case SSL_ERROR_WANT_READ:
                    await WaitReadableAsync(cancellationToken);
                    continue;
                case SSL_ERROR_ZERO_RETURN:
                    return 0;
                case SSL_ERROR_SYSCALL when message is null:
                    // The peer reset or the socket failed: the end of this connection, as a closed stream.
                    return 0;
                default:
                    throw new IOException("TLS: " + (message ?? $"OpenSSL error {error}"));
            }
        }
    }

    /// <summary>Whether OpenSSL holds decrypted or undecrypted bytes already (no need to wait on the socket).</summary>
    internal bool HasPending()
    {
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_ssl == 0, this);
            return SSL_has_pending(_ssl) == 1 || (_memoryReads && BIO_ctrl_pending(_readBio) > 0);
        }
    }

    /// <summary>One SSL_read into <paramref name="buffer"/>: the bytes read, else the SSL error (and OpenSSL's message for a failure).</summary>
    internal unsafe int ReadCore(Span<byte> buffer, out int error, out string? message)
    {
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_ssl == 0, this);
            var added = false;
            _handle.DangerousAddRef(ref added);
            try
            {
                if (_memoryReads && BIO_ctrl_pending(_readBio) == 0)
                {
                    // What the handshake read is consumed: from here OpenSSL reads the socket itself.
                    _readBio = BIO_new_socket((int)_handle.DangerousGetHandle(), BIO_NOCLOSE);
                    SSL_set0_rbio(_ssl, _readBio);
                    _memoryReads = false;
                }
                ERR_clear_error();
                if (_epoll is not null) _edgesBeforeRead = _epoll.ReadEdges;
                int read;
                fixed (byte* p = buffer) read = SSL_read(_ssl, p, buffer.Length);
                if (read > 0)
                {
                    _readWouldBlock = false;
                    error = SSL_ERROR_NONE;
                    message = null;
                    return read;
                }
                error = SSL_get_error(_ssl, read);
                _readWouldBlock = error == SSL_ERROR_WANT_READ;
                message = error is SSL_ERROR_SSL or SSL_ERROR_SYSCALL ? TakeError() : null;
                return read;
            }
            finally
            {
                if (added) _handle.DangerousRelease();
            }
        }
    }

    /// <summary>Waits until the socket has bytes to read (a zero-byte receive: no buffer held meanwhile).</summary>
    internal ValueTask<int> WaitReadableAsync(CancellationToken cancellationToken) => _epoll switch
    {
        null => _socket.ReceiveAsync(Memory<byte>.Empty, SocketFlags.None, cancellationToken),
        // After OpenSSL found the socket empty: wait for the next edge, unless one came during its read.
        _ when _readWouldBlock => _epoll.WaitReadableAsync(_edgesBeforeRead, cancellationToken),
        _ => _epoll.WaitReadableAsync(cancellationToken),
    };

    /// <summary>Encrypts into the write BIO; the records go out on flush (or once many have collected).</summary>
    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (buffer.IsEmpty) return default;
        var waiting = WriteCore(buffer.Span);
        return waiting >= SendThreshold ? SendPendingAsync(cancellationToken) : default;
    }

    /// <summary>Encrypts <paramref name="data"/> into the write BIO; the bytes waiting there.</summary>
    internal unsafe long WriteCore(ReadOnlySpan<byte> data)
    {
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_ssl == 0, this);
            ERR_clear_error();
            int written;
            // A memory BIO takes every record: SSL_write writes all of it or fails.
            fixed (byte* p = data) written = SSL_write(_ssl, p, data.Length);
            if (written <= 0)
            {
                var error = SSL_get_error(_ssl, written);
                throw new IOException("TLS: " + (TakeError() ?? $"OpenSSL error {error}"));
            }
            return (long)BIO_ctrl_pending(_writeBio);
        }
    }

    public override Task FlushAsync(CancellationToken cancellationToken) => SendPendingAsync(cancellationToken).AsTask();

    /// <summary>
    /// Sends what the write BIO holds: straight from OpenSSL's memory with one non-blocking send when
    /// the socket takes it all (the usual case), else the rest is copied out and sent asynchronously.
    /// </summary>
    internal unsafe ValueTask SendPendingAsync(CancellationToken cancellationToken)
    {
        byte[] rest;
        int restLength;
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_ssl == 0, this);
            byte* data;
            var length = (int)BIO_ctrl(_writeBio, BIO_CTRL_INFO, 0, (nint)(&data));
            if (length == 0) return default;
            if (TryParkFlush(cancellationToken, out var parked)) return parked;
            var sent = _socket.Send(new ReadOnlySpan<byte>(data, length), SocketFlags.None, out var status);
            if (status is not (SocketError.Success or SocketError.WouldBlock)) throw new IOException($"send failed: {status}", new SocketException((int)status));
            if (status == SocketError.WouldBlock) sent = 0;
            restLength = length - sent;
            if (restLength == 0)
            {
                BIO_ctrl(_writeBio, BIO_CTRL_RESET, 0, 0);
                return default;
            }
            rest = ArrayPool<byte>.Shared.Rent(restLength);
            new ReadOnlySpan<byte>(data + sent, restLength).CopyTo(rest);
            BIO_ctrl(_writeBio, BIO_CTRL_RESET, 0, 0);
        }
        return SendRestAsync(rest, restLength, cancellationToken);
    }

    private async ValueTask SendRestAsync(byte[] rest, int length, CancellationToken cancellationToken)
    {
        try
        {
            if (_epoll is not null)
            {
                // The loop's send completes once all of it is out.
                await _epoll.SendAsync(rest.AsMemory(0, length), cancellationToken);
                return;
            }
            for (var at = 0; at < length;)
            {
                at += await _socket.SendAsync(rest.AsMemory(at, length - at), SocketFlags.None, cancellationToken);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rest);
        }
    }

    public override void Flush() => SendPendingAsync(default).AsTask().GetAwaiter().GetResult();

    public override int Read(byte[] buffer, int offset, int count) => ReadAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

    public override void Write(byte[] buffer, int offset, int count) => WriteAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        lock (_gate)
        {
            if (_ssl != 0)
            {
                // The BIOs go with it; the socket BIO does not close the descriptor (the connection owns it).
                SSL_free(_ssl);
                _ssl = 0;
            }
        }
        if (_self.IsAllocated) _self.Free();
        base.Dispose(disposing);
    }
}
