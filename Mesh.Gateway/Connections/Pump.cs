using System.Buffers;
using System.Runtime.InteropServices;
using System.IO.Pipelines;
using System.Net.Sockets;

namespace Mesh.Gateway.Connections;

/// <summary>
/// Copies bytes both ways between the client's pipe and the instance's socket (DESIGN §4 step
/// 6). Client → instance sends straight from the pipe's buffers; instance → client receives
/// straight into the pipe's memory, and the flush is the backpressure. A half-close is passed
/// on (client EOF → shutdown of the instance socket's send side, instance EOF → completing the
/// client's output) and each direction finishes on its own. An idle timeout, when set, ends both.
/// </summary>
public static class Pump
{
    /// <summary>64 KiB: one receive takes what a loopback or LAN socket typically has ready.</summary>
    private const int ReceiveBufferSize = 64 * 1024;

    /// <summary>Bytes moved so far each way; kept outside the copy loops so a reset loses no count.</summary>
    public sealed class Counts
    {
        public long Upstream;
        public long Downstream;
    }

    /// <param name="downstreamTap">Sees every chunk the instance sends (the Postgres session tracker uses it); null for none.</param>
    /// <returns>How it ended; a reset on either side ends it too, as an outcome rather than an exception.</returns>
    public static async Task<PumpOutcome> RunAsync(IDuplexPipe client, Socket instance, TimeSpan idleTimeout, Counts counts, CancellationToken aborted, Tap? downstreamTap = null)
    {
        using var idle = CancellationTokenSource.CreateLinkedTokenSource(aborted);
        var activity = new Action(() =>
        {
            if (idleTimeout > TimeSpan.Zero) idle.CancelAfter(idleTimeout);
        });
        activity();
        var up = ClientToInstance(client.Input, instance, activity, counts, idle.Token);
        var down = InstanceToClient(instance, client.Output, activity, counts, downstreamTap, idle.Token);
        // A client that half-closes still gets the rest of the answer, so then we wait for the
        // instance. When the instance finishes (or either side fails) the connection is over:
        // the client gets its FIN and whatever it still sends has no reader.
        var first = await Task.WhenAny(up, down);
        // Read before cancelling ourselves: whichever direction the idle timer ended first.
        var timedOut = idle.IsCancellationRequested && !aborted.IsCancellationRequested;
        if (first == down || first.IsFaulted || first.IsCanceled) await idle.CancelAsync();
        var outcome = PumpOutcome.Completed;
        try { await up; } catch (Exception e) when (IsEnd(e)) { outcome = Failure(e, outcome); }
        try { await down; } catch (Exception e) when (IsEnd(e)) { outcome = Failure(e, outcome); }
        if (timedOut && idleTimeout > TimeSpan.Zero)
        {
            return PumpOutcome.IdleTimeout;
        }
        return outcome;
    }

    /// <summary>The instance's side is the socket; anything else that broke is the client's pipe. Cancellation is no failure.</summary>
    private static PumpOutcome Failure(Exception e, PumpOutcome sofar) => sofar != PumpOutcome.Completed ? sofar : e switch
    {
        SocketException => PumpOutcome.UpstreamReset,
        IOException => PumpOutcome.ClientReset,
        _ => sofar,
    };

    private static async Task ClientToInstance(PipeReader input, Socket instance, Action activity, Counts counts, CancellationToken cancellationToken)
    {
        // Kestrel hands over 4 KiB blocks; one gather send per read keeps it to one syscall.
        var gather = new List<ArraySegment<byte>>(16);
        try
        {
            while (true)
            {
                var result = await input.ReadAsync(cancellationToken);
                var buffer = result.Buffer;
                if (buffer.IsSingleSegment)
                {
                    await instance.SendAsync(buffer.First, SocketFlags.None, cancellationToken);
                }
                else if (!buffer.IsEmpty)
                {
                    gather.Clear();
                    foreach (var segment in buffer)
                    {
                        gather.Add(MemoryMarshal.TryGetArray(segment, out var array) ? array : new ArraySegment<byte>(segment.ToArray()));
                    }
                    await instance.SendAsync(gather, SocketFlags.None);
                }
                counts.Upstream += buffer.Length;
                input.AdvanceTo(buffer.End);
                if (!buffer.IsEmpty) activity();
                if (result.IsCompleted || result.IsCanceled) break;
            }
            instance.Shutdown(SocketShutdown.Send);
        }
        finally
        {
            await input.CompleteAsync();
        }
    }

    public delegate void Tap(ReadOnlySpan<byte> chunk);

    private static async Task InstanceToClient(Socket instance, PipeWriter output, Action activity, Counts counts, Tap? tap, CancellationToken cancellationToken)
    {
        Exception? error = null;
        try
        {
            while (true)
            {
                // Wait for data without holding a buffer, so an idle connection costs no buffer
                // memory; then take a large pooled one for whatever has arrived (fewer syscalls).
                await instance.ReceiveAsync(Memory<byte>.Empty, SocketFlags.None, cancellationToken);
                var buffer = ArrayPool<byte>.Shared.Rent(ReceiveBufferSize);
                int read;
                try
                {
                    read = await instance.ReceiveAsync(buffer, SocketFlags.None, cancellationToken);
                    if (read > 0)
                    {
                        tap?.Invoke(buffer.AsSpan(0, read));
                        output.Write(buffer.AsSpan(0, read));
                    }
                }
                finally
                {
                    ArrayPool<byte>.Shared.Return(buffer);
                }
                if (read == 0) break;
                counts.Downstream += read;
                activity();
                var flush = await output.FlushAsync(cancellationToken);
                if (flush.IsCompleted || flush.IsCanceled) break;
            }
        }
        catch (Exception e)
        {
            error = e;
            throw;
        }
        finally
        {
            await output.CompleteAsync(error is SocketException ? error : null);
        }
    }

    private static bool IsEnd(Exception e) =>
        e is OperationCanceledException or SocketException or IOException or ObjectDisposedException or InvalidOperationException;
}
