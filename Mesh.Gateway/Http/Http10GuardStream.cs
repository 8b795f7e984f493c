namespace Mesh.Gateway.Http;

/// <summary>
/// Wraps an HTTP/1.1 upstream connection and refuses to carry another request once the app
/// answered on it as HTTP/1.0. SocketsHttpHandler keeps such a connection in its pool unless the
/// response says <c>Connection: close</c>, but an HTTP/1.0 server without keep-alive will not
/// read a second request. So the next request is not sent: the connection reads as closed, as if
/// the app had closed it while idle, and the handler sends the request again on a new connection
/// (it retries a request whose reused connection ended before any response byte; a failed
/// write, by contrast, is not retried).
/// </summary>
public sealed class Http10GuardStream(Stream inner) : Stream
{
    private static ReadOnlySpan<byte> Http10 => "HTTP/1.0 "u8;
    // Set by each request write: the next bytes read start a status line.
    private bool _awaitingStatus;
    private bool _answeredHttp10;
    private bool _closed;

    public override bool CanRead => true;

    public override bool CanWrite => true;

    public override bool CanSeek => false;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    // Pooled state machines: a read that does not complete at once allocates nothing.
    [System.Runtime.CompilerServices.AsyncMethodBuilder(typeof(Async.PooledValueTaskMethodBuilder<>))]
    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (_closed) return 0;
        int n;
        try
        {
            n = await inner.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (_closed && e is IOException or ObjectDisposedException)
        {
            // The handler's read-ahead on the idle connection, ended by closing it below.
            return 0;
        }
        if (_awaitingStatus && n > 0)
        {
            _awaitingStatus = false;
            if (n >= Http10.Length && buffer.Span[..Http10.Length].SequenceEqual(Http10)) _answeredHttp10 = true;
        }
        return n;
    }

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (_answeredHttp10)
        {
            _closed = true;
            inner.Dispose();
            return ValueTask.CompletedTask;
        }
        _awaitingStatus = true;
        return inner.WriteAsync(buffer, cancellationToken);
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override int Read(byte[] buffer, int offset, int count) => ReadAsync(buffer, offset, count).GetAwaiter().GetResult();

    public override void Write(byte[] buffer, int offset, int count) => WriteAsync(buffer, offset, count).GetAwaiter().GetResult();

    public override Task FlushAsync(CancellationToken cancellationToken) => inner.FlushAsync(cancellationToken);

    public override void Flush() => inner.Flush();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing) inner.Dispose();
        base.Dispose(disposing);
    }

    public override ValueTask DisposeAsync() => inner.DisposeAsync();
}
