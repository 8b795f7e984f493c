using System.Buffers;
using System.IO.Pipelines;
using System.Net.Sockets;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Connections.Features;
using Microsoft.AspNetCore.Http.Features;

namespace Mesh.Gateway.Epoll;

/// <summary>
/// An accepted socket on an <see cref="EpollLoop"/> as a connection with pipes, in place of
/// Kestrel's socket transport: a receive loop that waits for readiness without a buffer or a
/// system call and then reads into the input pipe, and a send loop that gathers what the output
/// pipe holds into one sendmsg. It keeps the transport's contract: the client's end (FIN or
/// reset) completes the input and fires <see cref="ConnectionClosed"/>; completing the output,
/// or an abort, shuts the socket down and closes it. Both pipes schedule inline, so a request is
/// read, proxied and answered on the loop's thread.
/// </summary>
internal sealed class EpollConnection : ConnectionContext, IConnectionLifetimeFeature
{
    private const int MinimumReadSize = 4096;
    private static long _lastId;

    private readonly EpollSocket _socket;
    private readonly IDuplexPipe _application;
    private readonly CancellationTokenSource _closed = new();
    private readonly MemoryPool<byte> _pool;
    private Task _receiving = Task.CompletedTask;
    private Task _sending = Task.CompletedTask;
    private readonly TaskCompletionSource _closedFired = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private volatile ConnectionAbortedException? _abortReason;
    private volatile bool _closing;
    private int _closedQueued;
    private int _disposed;

    public EpollConnection(EpollSocket socket, MemoryPool<byte> pool)
    {
        _socket = socket;
        _pool = pool;
        LocalEndPoint = socket.Socket.LocalEndPoint;
        RemoteEndPoint = socket.Socket.RemoteEndPoint;
        ConnectionId = "epoll-" + Interlocked.Increment(ref _lastId).ToString("x", System.Globalization.CultureInfo.InvariantCulture);
        ConnectionClosed = _closed.Token;
        // Kestrel's own limits: 1 MiB of request bytes ahead of the reader, 64 KiB of response ahead of the socket.
        var input = new Pipe(new PipeOptions(pool, PipeScheduler.Inline, PipeScheduler.Inline, 1024 * 1024, 512 * 1024, MinimumReadSize, useSynchronizationContext: false));
        var output = new Pipe(new PipeOptions(pool, PipeScheduler.Inline, PipeScheduler.Inline, 64 * 1024, 32 * 1024, MinimumReadSize, useSynchronizationContext: false));
        Transport = new DuplexPipe(input.Reader, output.Writer);
        _application = new DuplexPipe(output.Reader, input.Writer);
        Features.Set<IMemoryPoolFeature>(new Listeners.MemoryPoolFeature(pool));
        Features.Set<IConnectionLifetimeFeature>(this);
    }

    public override string ConnectionId { get; set; }

    public override IFeatureCollection Features { get; } = new FeatureCollection();

    public override IDictionary<object, object?> Items { get; set; } = new Dictionary<object, object?>();

    public override IDuplexPipe Transport { get; set; }

    /// <summary>Starts the receive and send loops.</summary>
    public void Start()
    {
        _receiving = ReceiveLoopAsync();
        _sending = SendLoopAsync();
    }

    public override void Abort(ConnectionAbortedException abortReason)
    {
        _abortReason = abortReason;
        // The send loop ends, shuts the socket down and closes it, which ends the receive loop.
        _application.Input.CancelPendingRead();
        if (_sending.IsCompleted) Close();
    }

    public override async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
        Transport.Input.Complete();
        Transport.Output.Complete();
        await _sending.ConfigureAwait(false);
        Close();
        await _receiving.ConfigureAwait(false);
        FireClosed();
        await _closedFired.Task.ConfigureAwait(false);
        _closed.Dispose();
    }

    private async Task ReceiveLoopAsync()
    {
        var writer = _application.Output;
        Exception? error = null;
        try
        {
            while (true)
            {
                // No buffer is held while an idle keep-alive connection waits.
                await _socket.WaitReadableAsync().ConfigureAwait(false);
                var memory = writer.GetMemory(MinimumReadSize);
                var n = await _socket.ReceiveAsync(memory).ConfigureAwait(false);
                if (n == 0) break;
                writer.Advance(n);
                var flushed = await writer.FlushAsync().ConfigureAwait(false);
                if (flushed.IsCompleted || flushed.IsCanceled) break;
            }
        }
        catch (SocketException e) when (e.SocketErrorCode is SocketError.ConnectionReset or SocketError.ConnectionAborted or SocketError.Shutdown)
        {
            error = new ConnectionResetException(e.Message, e);
        }
        catch (Exception e) when (e is ObjectDisposedException or SocketException)
        {
            // Closed here: after an abort its reason, after the output completed nothing.
            error = _closing ? _abortReason : new ConnectionAbortedException("the connection was closed", e);
        }
        finally
        {
            writer.Complete(error);
            FireClosed();
        }
    }

    private async Task SendLoopAsync()
    {
        var reader = _application.Input;
        Exception? error = null;
        try
        {
            while (true)
            {
                var result = await reader.ReadAsync().ConfigureAwait(false);
                if (result.IsCanceled) break;
                var buffer = result.Buffer;
                if (!buffer.IsEmpty) await _socket.SendAsync(buffer).ConfigureAwait(false);
                reader.AdvanceTo(buffer.End);
                if (result.IsCompleted) break;
            }
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
            error = e is SocketException { SocketErrorCode: SocketError.ConnectionReset } ? new ConnectionResetException(e.Message, e) : null;
        }
        finally
        {
            reader.Complete(error);
            Close();
            // A receive loop paused on a full input pipe ends too.
            _application.Output.CancelPendingFlush();
        }
    }

    /// <summary>Sends FIN after what is queued and closes the descriptor (ending the receive loop).</summary>
    private void Close()
    {
        _closing = true;
        try
        {
            _socket.Socket.Shutdown(SocketShutdown.Both);
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
        }
        _socket.Dispose();
    }

    private void FireClosed()
    {
        if (Interlocked.Exchange(ref _closedQueued, 1) != 0) return;
        // Off the loop's thread: the closed callbacks (metrics, tracking, aborting an exchange) may take locks.
        ThreadPool.UnsafeQueueUserWorkItem(static s =>
        {
            try
            {
                s._closed.Cancel();
            }
            catch (Exception)
            {
                // A closed callback's own failure; the others have run (Cancel runs them all first).
            }
            finally
            {
                s._closedFired.TrySetResult();
            }
        }, this, preferLocal: false);
    }

    private sealed class DuplexPipe(PipeReader input, PipeWriter output) : IDuplexPipe
    {
        public PipeReader Input { get; } = input;

        public PipeWriter Output { get; } = output;
    }
}
