using System.Buffers;
using System.IO.Pipelines;
using System.Runtime.CompilerServices;
using Mesh.Gateway.Async;
using static Mesh.Gateway.Tls.OpenSsl;

namespace Mesh.Gateway.Tls;

/// <summary>
/// The connection's input on OpenSSL directly: <c>SSL_read</c> decrypts into one contiguous buffer that
/// the reader hands out as it is, instead of a stream read copied into a chain of pipe segments
/// (<see cref="PipeReader.Create(Stream, StreamPipeReaderOptions?)"/>). A connection with nothing
/// buffered gives its buffer back to the pool and waits for the socket to be readable before it
/// takes one again, so an idle keep-alive connection holds no memory here.
/// </summary>
internal sealed class NativeTlsPipeReader(NativeTlsConnection tls) : PipeReader
{
    private const int BufferSize = 4096;
    private const int MinimumReadSize = 1024;

    private byte[]? _buffer;
    private int _start;
    private int _end;
    // The consumer looked at everything buffered and needs more before it can go on.
    private bool _examinedAll;
    private bool _eof;
    private bool _completed;
    private ReadOnlySequence<byte> _last;
    private volatile bool _cancelRequested;
    private CancellationTokenSource _cancel = new();

    public override bool TryRead(out ReadResult result)
    {
        ObjectDisposedException.ThrowIf(_completed, this);
        if (_cancelRequested || (_end > _start && !_examinedAll) || _eof)
        {
            result = Result();
            return true;
        }
        result = default;
        return false;
    }

    public override ValueTask<ReadResult> ReadAsync(CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_completed, this);
        if (_cancelRequested || (_end > _start && !_examinedAll) || _eof) return new(Result());
        return ReadMoreAsync(cancellationToken);
    }

    [AsyncMethodBuilder(typeof(PooledValueTaskMethodBuilder<>))]
    private async ValueTask<ReadResult> ReadMoreAsync(CancellationToken cancellationToken)
    {
        // Nothing buffered here or in OpenSSL: wait first, and without holding a buffer.
        var wait = _end == _start && !tls.HasPending();
        while (true)
        {
            if (wait)
            {
                ReleaseBuffer();
                if (_cancelRequested) return Result();
                // A source canceled for a CancelPendingRead whose read had already returned.
                if (_cancel.IsCancellationRequested) _cancel = new CancellationTokenSource();
                var cancel = _cancel;
                // The caller's token (the fast path's deadline) ends the wait through the same source:
                // one registration per wait, no linked source.
                var registration = cancellationToken.CanBeCanceled
                    ? cancellationToken.UnsafeRegister(static s => ((CancellationTokenSource)s!).Cancel(), cancel)
                    : default;
                try
                {
                    await tls.WaitReadableAsync(cancel.Token);
                }
                catch (OperationCanceledException) when (cancel.IsCancellationRequested)
                {
                    _cancel = new CancellationTokenSource();
                    cancellationToken.ThrowIfCancellationRequested();
                    // CancelPendingRead: the wait ends with a canceled result (Result takes the flag).
                    return Result();
                }
                finally
                {
                    registration.Dispose();
                }
                if (_cancelRequested) return Result();
            }
            EnsureSpace();
            var read = tls.ReadCore(_buffer.AsSpan(_end), out var error, out var message);
            if (read > 0)
            {
                _end += read;
                _examinedAll = false;
                return Result();
            }
            switch (error)
            {
                case SSL_ERROR_WANT_READ:
                    wait = true;
                    continue;
                case SSL_ERROR_ZERO_RETURN:
                case SSL_ERROR_SYSCALL when message is null:
                    // The client's close_notify, a reset or a failed socket: the end of the input.
                    _eof = true;
                    return Result();
                default:
                    throw new IOException("TLS: " + (message ?? $"OpenSSL error {error}"));
            }
        }
    }

    private void EnsureSpace()
    {
        if (_buffer is null)
        {
            _buffer = ArrayPool<byte>.Shared.Rent(BufferSize);
            return;
        }
        if (_buffer.Length - _end >= MinimumReadSize) return;
        if (_start > 0)
        {
            _buffer.AsSpan(_start, _end - _start).CopyTo(_buffer);
            _end -= _start;
            _start = 0;
        }
        if (_buffer.Length - _end >= MinimumReadSize) return;
        var bigger = ArrayPool<byte>.Shared.Rent(_buffer.Length * 2);
        _buffer.AsSpan(0, _end).CopyTo(bigger);
        ArrayPool<byte>.Shared.Return(_buffer);
        _buffer = bigger;
    }

    private ReadResult Result()
    {
        var canceled = _cancelRequested;
        if (canceled)
        {
            _cancelRequested = false;
            if (_cancel.IsCancellationRequested) _cancel = new CancellationTokenSource();
        }
        _last = _buffer is null ? ReadOnlySequence<byte>.Empty : new ReadOnlySequence<byte>(_buffer, _start, _end - _start);
        return new ReadResult(_last, canceled, _eof && !canceled);
    }

    public override void AdvanceTo(SequencePosition consumed) => AdvanceTo(consumed, consumed);

    public override void AdvanceTo(SequencePosition consumed, SequencePosition examined)
    {
        ObjectDisposedException.ThrowIf(_completed, this);
        var consumedBytes = (int)_last.Slice(_last.Start, consumed).Length;
        var examinedBytes = (int)_last.Slice(_last.Start, examined).Length;
        _examinedAll = examinedBytes == _last.Length;
        _start += consumedBytes;
        _last = default;
        // Everything consumed: the buffer goes back now, not at the next read. A request waiting on
        // its app would otherwise hold one per connection, more than the pool keeps, and every
        // request would then rent a new array.
        if (_start == _end) ReleaseBuffer();
    }

    public override void CancelPendingRead()
    {
        _cancelRequested = true;
        _cancel.Cancel();
    }

    public override void Complete(Exception? exception = null)
    {
        if (_completed) return;
        _completed = true;
        _start = _end = 0;
        ReleaseBuffer();
    }

    private void ReleaseBuffer()
    {
        if (_buffer is null || _end > _start) return;
        ArrayPool<byte>.Shared.Return(_buffer);
        _buffer = null;
        _start = _end = 0;
    }
}
