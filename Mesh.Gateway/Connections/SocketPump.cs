using System.Buffers;
using System.Net.Sockets;

namespace Mesh.Gateway.Connections;

/// <summary>
/// Copies bytes both ways between two sockets, for raw TCP ports that need no stage in front of
/// the copy (no PROXY header in, no TLS): the client's socket is never wrapped in a Kestrel pipe.
/// On Linux each direction splices socket → pipe → socket, so the bytes stay in the kernel;
/// elsewhere, or when no pipe can be had, it copies through one large pooled buffer. Either way a
/// direction waits for data with a zero-byte receive and takes its pipe or buffer only once bytes
/// are ready, and gives it back when the socket is drained: an idle connection holds neither.
/// Semantics as <see cref="Pump"/>: a half-close is passed on, the instance finishing ends the
/// connection, and an idle timeout, when set, ends both directions.
/// </summary>
public static class SocketPump
{
    /// <summary>128 KiB: what a busy loopback or LAN socket typically has queued, in one receive.</summary>
    private const int BufferSize = 128 * 1024;

    public static async Task<PumpOutcome> RunAsync(Socket client, Socket instance, TimeSpan idleTimeout, Pump.Counts counts, CancellationToken aborted, bool splice)
    {
        using var idle = CancellationTokenSource.CreateLinkedTokenSource(aborted);
        var activity = new IdleTimer(idle, idleTimeout);
        activity.Touch(force: true);
        splice &= LinuxSplice.Supported;
        if (splice)
        {
            // The splice calls bypass .NET's socket engine and must never block; the engine
            // itself only ever uses the descriptors non-blocking, so this changes nothing for it.
            WithDescriptor(client, LinuxSplice.EnsureNonBlocking);
            WithDescriptor(instance, LinuxSplice.EnsureNonBlocking);
        }
        var up = CopyAsync(client, instance, upstream: true, counts, activity, splice, idle.Token);
        var down = CopyAsync(instance, client, upstream: false, counts, activity, splice, idle.Token);
        var first = await Task.WhenAny(up, down);
        // Read before cancelling ourselves: whichever direction the idle timer ended first.
        var timedOut = idle.IsCancellationRequested && !aborted.IsCancellationRequested;
        if (first == down || first.IsFaulted || first.IsCanceled) await idle.CancelAsync();
        try { await up; } catch (Exception e) when (IsEnd(e)) { }
        try { await down; } catch (Exception e) when (IsEnd(e)) { }
        // A reset on either socket ends the copy like an orderly close: nothing more to tell apart here.
        return timedOut && idleTimeout > TimeSpan.Zero ? PumpOutcome.IdleTimeout : PumpOutcome.Completed;
    }

    private static async Task CopyAsync(Socket from, Socket to, bool upstream, Pump.Counts counts, IdleTimer activity, bool splice, CancellationToken cancellationToken)
    {
        while (true)
        {
            // Wait for data holding nothing; then move what has arrived.
            await from.ReceiveAsync(Memory<byte>.Empty, SocketFlags.None, cancellationToken);
            var pipe = splice ? SplicePipe.Rent() : null;
            var more = pipe is null
                ? await CopyBurstAsync(from, to, upstream, counts, activity, cancellationToken)
                : await SpliceBurstAsync(pipe, from, to, upstream, counts, activity, cancellationToken);
            if (!more) break;
        }
        to.Shutdown(SocketShutdown.Send);
    }

    /// <summary>Copies through one pooled buffer while receives come back full; false at the end of the input.</summary>
    private static async Task<bool> CopyBurstAsync(Socket from, Socket to, bool upstream, Pump.Counts counts, IdleTimer activity, CancellationToken cancellationToken)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(BufferSize);
        try
        {
            while (true)
            {
                var read = await from.ReceiveAsync(buffer, SocketFlags.None, cancellationToken);
                if (read == 0) return false;
                await to.SendAsync(buffer.AsMemory(0, read), SocketFlags.None, cancellationToken);
                Count(counts, upstream, read);
                activity.Touch();
                // A short read drained the socket: go back to waiting without the buffer.
                if (read < buffer.Length) return true;
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>Splices through the pipe while bytes are ready; false at the end of the input.</summary>
    private static async Task<bool> SpliceBurstAsync(SplicePipe pipe, Socket from, Socket to, bool upstream, Pump.Counts counts, IdleTimer activity, CancellationToken cancellationToken)
    {
        var empty = true;
        try
        {
            while (true)
            {
                var moved = Splice(from, pipe.WriteEnd, pipe.Capacity);
                if (moved == -LinuxSplice.EAGAIN) return true;
                if (moved < 0) throw new IOException($"splice from socket failed (errno {-moved})");
                if (moved == 0) return false;
                empty = false;
                await DrainAsync(pipe, to, (int)moved, cancellationToken);
                empty = true;
                Count(counts, upstream, moved);
                activity.Touch();
                if (moved < pipe.Capacity) return true;
            }
        }
        finally
        {
            pipe.Return(empty);
        }
    }

    /// <summary>
    /// Moves <paramref name="pending"/> bytes from the pipe to the socket. When the socket's send
    /// buffer is full (EAGAIN) the rest goes through memory, since only a send through .NET's
    /// engine can wait for room.
    /// </summary>
    private static async Task DrainAsync(SplicePipe pipe, Socket to, int pending, CancellationToken cancellationToken)
    {
        while (pending > 0)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var moved = Splice(pipe.ReadEnd, to, pending);
            if (moved > 0)
            {
                pending -= (int)moved;
                continue;
            }
            if (moved != -LinuxSplice.EAGAIN) throw new IOException($"splice to socket failed (errno {-moved})");
            var buffer = ArrayPool<byte>.Shared.Rent(pending);
            try
            {
                var read = LinuxSplice.ReadPipe(pipe.ReadEnd, buffer.AsSpan(0, pending));
                if (read <= 0) throw new IOException($"read from splice pipe failed (errno {-read})");
                await to.SendAsync(buffer.AsMemory(0, (int)read), SocketFlags.None, cancellationToken);
                pending -= (int)read;
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }
        }
    }

    /// <summary>splice from a socket into a pipe; the socket's descriptor is held against a concurrent close for the call.</summary>
    private static long Splice(Socket from, int pipeWrite, int length)
    {
        var handle = from.SafeHandle;
        var added = false;
        try
        {
            handle.DangerousAddRef(ref added);
            return LinuxSplice.Move((int)handle.DangerousGetHandle(), pipeWrite, length);
        }
        finally
        {
            if (added) handle.DangerousRelease();
        }
    }

    private static long Splice(int pipeRead, Socket to, int length)
    {
        var handle = to.SafeHandle;
        var added = false;
        try
        {
            handle.DangerousAddRef(ref added);
            return LinuxSplice.Move(pipeRead, (int)handle.DangerousGetHandle(), length);
        }
        finally
        {
            if (added) handle.DangerousRelease();
        }
    }

    private static void WithDescriptor(Socket socket, Action<int> action)
    {
        var handle = socket.SafeHandle;
        var added = false;
        try
        {
            handle.DangerousAddRef(ref added);
            action((int)handle.DangerousGetHandle());
        }
        finally
        {
            if (added) handle.DangerousRelease();
        }
    }

    private static void Count(Pump.Counts counts, bool upstream, long bytes)
    {
        if (upstream) counts.Upstream += bytes;
        else counts.Downstream += bytes;
    }

    private static bool IsEnd(Exception e) =>
        e is OperationCanceledException or SocketException or IOException or ObjectDisposedException or InvalidOperationException;

    /// <summary>
    /// Restarts the idle countdown on activity, at most four times per timeout (and once a
    /// second): a timer change per chunk costs more than the copy of a small one, and a quarter
    /// more or less of an idle timeout is not noticed.
    /// </summary>
    private sealed class IdleTimer(CancellationTokenSource idle, TimeSpan timeout)
    {
        private readonly long _every = (long)Math.Min(1000, timeout.TotalMilliseconds / 4);
        private long _last;

        public void Touch(bool force = false)
        {
            if (timeout <= TimeSpan.Zero) return;
            var now = Environment.TickCount64;
            if (!force && now - Volatile.Read(ref _last) < _every) return;
            Volatile.Write(ref _last, now);
            try
            {
                idle.CancelAfter(timeout);
            }
            catch (ObjectDisposedException)
            {
            }
        }
    }
}
