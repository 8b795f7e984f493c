using System.Buffers;
using System.IO.Pipelines;
using System.Net.Sockets;

namespace Mesh.Gateway.Tls;

/// <summary>
/// The connection's output on OpenSSL directly: what the consumer writes collects in one pooled
/// buffer, a flush encrypts it into the write BIO in one <c>SSL_write</c> and sends the records
/// with one non-blocking send (<see cref="NativeTlsConnection.SendPendingAsync"/>), instead of a
/// chain of pipe segments written to a stream one by one
/// (<see cref="PipeWriter.Create(Stream, StreamPipeWriterOptions?)"/>). The buffer goes back to the
/// pool at every flush, so an idle connection holds none.
/// </summary>
internal sealed class NativeTlsPipeWriter(NativeTlsConnection tls) : PipeWriter
{
    private const int MinimumBufferSize = 4096;
    private const int EncryptAhead = 64 * 1024;

    private byte[]? _buffer;
    private int _written;
    private bool _completed;
    private volatile bool _cancelRequested;
    private IOException? _failure;

    public override bool CanGetUnflushedBytes => true;

    public override long UnflushedBytes => _written;

    public override void Advance(int bytes)
    {
        if (_buffer is null || (uint)bytes > (uint)(_buffer.Length - _written)) throw new ArgumentOutOfRangeException(nameof(bytes));
        _written += bytes;
    }

    public override Memory<byte> GetMemory(int sizeHint = 0)
    {
        EnsureSpace(sizeHint);
        return _buffer.AsMemory(_written);
    }

    public override Span<byte> GetSpan(int sizeHint = 0)
    {
        EnsureSpace(sizeHint);
        return _buffer.AsSpan(_written);
    }

    private void EnsureSpace(int sizeHint)
    {
        ObjectDisposedException.ThrowIf(_completed, this);
        if (sizeHint < 1) sizeHint = 1;
        if (_buffer is null)
        {
            _buffer = ArrayPool<byte>.Shared.Rent(Math.Max(MinimumBufferSize, sizeHint));
            return;
        }
        if (_buffer.Length - _written >= sizeHint) return;
        if (_written >= EncryptAhead && _failure is null)
        {
            // Much written without a flush: it becomes records in the write BIO (they leave at the
            // flush) and the buffer starts over. A failure waits for the flush to be reported.
            try
            {
                Encrypt();
            }
            catch (IOException e)
            {
                _failure = e;
                _written = 0;
            }
            if (_buffer.Length >= sizeHint) return;
        }
        var bigger = ArrayPool<byte>.Shared.Rent(Math.Max(_written + sizeHint, _buffer.Length * 2));
        _buffer.AsSpan(0, _written).CopyTo(bigger);
        ArrayPool<byte>.Shared.Return(_buffer);
        _buffer = bigger;
    }

    private void Encrypt()
    {
        if (_written == 0) return;
        var written = _written;
        _written = 0;
        tls.WriteCore(_buffer.AsSpan(0, written));
    }

    public override ValueTask<FlushResult> FlushAsync(CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_completed, this);
        ValueTask send;
        try
        {
            if (_failure is { } failure) throw failure;
            Encrypt();
            ReleaseBuffer();
            send = tls.SendPendingAsync(cancellationToken);
        }
        catch (Exception e)
        {
            ReleaseBuffer();
            return ValueTask.FromException<FlushResult>(e);
        }
        if (!send.IsCompletedSuccessfully) return AwaitSendAsync(send);
        return new ValueTask<FlushResult>(new FlushResult(TakeCanceled(), isCompleted: false));
    }

    private async ValueTask<FlushResult> AwaitSendAsync(ValueTask send)
    {
        await send;
        return new FlushResult(TakeCanceled(), isCompleted: false);
    }

    private bool TakeCanceled()
    {
        var canceled = _cancelRequested;
        _cancelRequested = false;
        return canceled;
    }

    public override void CancelPendingFlush() => _cancelRequested = true;

    public override void Complete(Exception? exception = null)
    {
        if (_completed) return;
        try
        {
            // As a stream's pipe writer does, what was written and not flushed still goes out; the
            // send is not waited for (a sync wait could block the socket thread that completes it).
            if (exception is null && _written > 0 && _failure is null)
            {
                Encrypt();
                _ = ObserveAsync(tls.SendPendingAsync(default));
            }
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException)
        {
            // The connection is ending anyway.
        }
        finally
        {
            _completed = true;
            _written = 0;
            ReleaseBuffer();
        }
    }

    private static async Task ObserveAsync(ValueTask send)
    {
        try
        {
            await send;
        }
        catch (Exception e) when (e is IOException or SocketException or ObjectDisposedException or OperationCanceledException)
        {
            // The client left first.
        }
    }

    public override async ValueTask CompleteAsync(Exception? exception = null)
    {
        if (_completed) return;
        try
        {
            if (exception is null && _written > 0 && _failure is null)
            {
                Encrypt();
                await tls.SendPendingAsync(default);
            }
        }
        finally
        {
            _completed = true;
            _written = 0;
            ReleaseBuffer();
        }
    }

    private void ReleaseBuffer()
    {
        if (_buffer is null || _written > 0) return;
        ArrayPool<byte>.Shared.Return(_buffer);
        _buffer = null;
    }
}
