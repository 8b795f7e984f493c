using System.Buffers;
using System.IO.Pipelines;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Connections.Features;

namespace Mesh.Gateway.Http;

/// <summary>
/// Puts a pipe between an HTTP/2 connection and its transport so that the frames of every
/// stream that finished in one scheduling turn leave in one write. Kestrel's HTTP/2 frame
/// writer flushes after each stream; on the transport's inline pipes that was one TLS record
/// and one send(2) per response (2.0 sends per proxied h2 request, HAProxy 1.1). The pump
/// runs as a thread-pool work item, so what the streams wrote before it runs goes out with
/// one TLS write and one send (measured: 0.95–1.1 sends per request). HTTP/1.x connections
/// answer one request at a time and would only pay the extra dispatch, so they never get it.
/// </summary>
internal static class CoalescedOutput
{
    // Kestrel's own transport thresholds: a slow reader holds back the streams, not memory.
    private const long PauseAt = 64 * 1024;
    private const long ResumeAt = 32 * 1024;

    public static async Task RunAsync(ConnectionContext connection, ConnectionDelegate next)
    {
        var transport = connection.Transport;
        var pool = connection.Features.Get<IMemoryPoolFeature>()?.MemoryPool ?? MemoryPool<byte>.Shared;
        var pipe = new Pipe(new PipeOptions(pool, PipeScheduler.ThreadPool, PipeScheduler.Inline, PauseAt, ResumeAt, useSynchronizationContext: false));
        connection.Transport = new Duplex(transport.Input, pipe.Writer);
        var pump = PumpAsync(pipe.Reader, transport.Output);
        try
        {
            await next(connection);
        }
        finally
        {
            // Kestrel completes the output it was given; this makes sure the pump ends either way.
            await pipe.Writer.CompleteAsync();
            await pump;
            connection.Transport = transport;
        }
    }

    private static async Task PumpAsync(PipeReader reader, PipeWriter output)
    {
        Exception? error = null;
        try
        {
            while (true)
            {
                var result = await reader.ReadAsync();
                var buffer = result.Buffer;
                foreach (var segment in buffer)
                {
                    output.Write(segment.Span);
                }
                reader.AdvanceTo(buffer.End);
                if (!buffer.IsEmpty && (await output.FlushAsync()).IsCompleted) break;
                if (result.IsCompleted || result.IsCanceled) break;
            }
        }
        catch (Exception e) when (e is IOException or ConnectionAbortedException or ObjectDisposedException or InvalidOperationException)
        {
            // The client's connection broke: the streams' next flush sees a completed reader.
            error = e;
        }
        await reader.CompleteAsync(error);
    }

    private sealed class Duplex(PipeReader input, PipeWriter output) : IDuplexPipe
    {
        public PipeReader Input => input;

        public PipeWriter Output => output;
    }
}
