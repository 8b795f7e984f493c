using System.Buffers;
using System.IO.Pipelines;
using System.Net.Sockets;
using System.Runtime.CompilerServices;
using System.Text;
using Mesh.Gateway.Async;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Yarp.ReverseProxy.Forwarder;

namespace Mesh.Gateway.Http1;

/// <summary>
/// Relaying the app's body through Kestrel's response writer: Content-Length, chunked (the data
/// unframed for Kestrel to frame; trailers to <see cref="ResponseTrailerExtensions.AppendTrailer"/>,
/// so h2 clients keep them), or until the app closes (that connection is never reused). Flushed
/// before each wait on the app, not per piece; the last piece is left for Kestrel to send with
/// the end of the response.
/// </summary>
public sealed partial class KestrelExchange
{
    private const int MaxTrailerBytes = 32 * 1024;

    private ChunkedFraming _chunks;
    private byte[] _tail = new byte[256];
    private int _tailLength;

    [AsyncMethodBuilder(typeof(PooledValueTaskMethodBuilder<>))]
    private async ValueTask<(ForwarderError Error, bool Reusable)> RelayBodyAsync(HttpContext context, UpstreamConnection upstream, bool headRequest)
    {
        var r = _response;
        if (headRequest || r.Status is 204 or 304) return (ForwarderError.None, r.Minor == 1 && !r.ConnectionClose && upstream.Buffered == 0);
        var writer = context.Response.BodyWriter;
        var wrote = false;
        var unflushed = false;
        if (r.ContentLength >= 0)
        {
            var remaining = r.ContentLength;
            var take = (int)Math.Min(remaining, upstream.Buffered);
            if (take > 0)
            {
                writer.Write(upstream.Pending[..take]);
                upstream.Consume(take);
                remaining -= take;
                wrote = unflushed = true;
            }
            while (remaining > 0)
            {
                if (unflushed && !await FlushAsync(writer)) return (ForwarderError.ResponseBodyCanceled, false);
                var memory = writer.GetMemory(UpstreamConnection.BodyChunkSize);
                if (memory.Length > remaining) memory = memory[..(int)remaining];
                var n = await ReceiveAsync(upstream, memory);
                if (n <= 0) return (Broken(context, wrote, n), false);
                writer.Advance(n);
                remaining -= n;
                wrote = unflushed = true;
            }
            return (ForwarderError.None, r.Reusable && upstream.Buffered == 0);
        }
        if (r.Chunked)
        {
            _chunks = default;
            _tailLength = 0;
            while (true)
            {
                while (upstream.Buffered > 0 && !_chunks.IsDone)
                {
                    var pending = upstream.Pending;
                    var consumed = _chunks.Advance(pending, out var dataStart, out var dataLength);
                    if (_chunks.IsInvalid) return (Broken(context, wrote, -3), false);
                    if (dataLength > 0)
                    {
                        writer.Write(pending.Slice(dataStart, dataLength));
                        wrote = unflushed = true;
                        // What follows a chunk's data is framing, and after the last one, the trailers.
                        _tailLength = 0;
                        if (!Keep(pending[(dataStart + dataLength)..consumed])) return (Broken(context, wrote, -3), false);
                    }
                    else if (!Keep(pending[..consumed]))
                    {
                        return (Broken(context, wrote, -3), false);
                    }
                    upstream.Consume(consumed);
                }
                if (_chunks.IsDone) break;
                if (unflushed)
                {
                    if (!await FlushAsync(writer)) return (ForwarderError.ResponseBodyCanceled, false);
                    unflushed = false;
                }
                var n = await FillAsync(upstream);
                if (n <= 0) return (Broken(context, wrote, n), false);
            }
            AppendTrailers(context.Response);
            return (ForwarderError.None, r.Reusable && upstream.Buffered == 0);
        }
        // Until the app closes (RFC 9112 §6.3 item 8).
        if (upstream.Buffered > 0)
        {
            writer.Write(upstream.Pending);
            upstream.Consume(upstream.Buffered);
            wrote = unflushed = true;
        }
        while (true)
        {
            if (unflushed && !await FlushAsync(writer)) return (ForwarderError.ResponseBodyCanceled, false);
            var memory = writer.GetMemory(UpstreamConnection.BodyChunkSize);
            var n = await ReceiveAsync(upstream, memory);
            if (n == 0) break;
            if (n < 0) return (Broken(context, wrote, n), false);
            writer.Advance(n);
            wrote = unflushed = true;
        }
        return (ForwarderError.None, false);
    }

    /// <summary>
    /// The app's answer broke off (-1 timeout, -2 the client went away, 0 or -3 closed or invalid).
    /// Once the client has part of it, its stream is reset (its connection aborted for HTTP/1.x), as
    /// YARP does; before that the middleware still answers 502 or 504.
    /// </summary>
    private ForwarderError Broken(HttpContext context, bool wrote, int reason)
    {
        if (reason == -2 || _aborted) return ForwarderError.ResponseBodyCanceled;
        if (!wrote && !context.Response.HasStarted) return reason == -1 ? ForwarderError.RequestTimedOut : ForwarderError.ResponseBodyDestination;
        if (context.Features.Get<IHttpResetFeature>() is { } reset) reset.Reset(2); // INTERNAL_ERROR
        else context.Abort();
        return ForwarderError.ResponseBodyDestination;
    }

    private bool Keep(ReadOnlySpan<byte> framing)
    {
        if (framing.IsEmpty) return true;
        if (_tailLength + framing.Length > MaxTrailerBytes) return false;
        if (_tailLength + framing.Length > _tail.Length) Array.Resize(ref _tail, Math.Max(_tail.Length * 2, _tailLength + framing.Length));
        framing.CopyTo(_tail.AsSpan(_tailLength));
        _tailLength += framing.Length;
        return true;
    }

    private void AppendTrailers(HttpResponse response)
    {
        var tail = _tail.AsSpan(0, _tailLength);
        var position = ChunkedTrailers.Start(tail);
        if (position >= tail.Length - 2 || !response.SupportsTrailers()) return;
        while (ChunkedTrailers.Next(tail, ref position, out var name, out var value))
        {
            var kind = ProxyHeaders.Classify(tail[name]);
            // Framing and hop fields have no meaning in a trailer section (RFC 9110 §6.5.1).
            if (kind is HeaderKind.ContentLength or HeaderKind.TransferEncoding or HeaderKind.Connection or HeaderKind.Hop or HeaderKind.Upgrade or HeaderKind.Host) continue;
            response.AppendTrailer(HeaderNameCache.Get(tail[name]), Encoding.Latin1.GetString(tail[value]));
        }
    }

    [AsyncMethodBuilder(typeof(PooledValueTaskMethodBuilder<>))]
    private static async ValueTask<bool> FlushAsync(PipeWriter writer)
    {
        try
        {
            var result = await writer.FlushAsync();
            return !result.IsCompleted && !result.IsCanceled;
        }
        catch (Exception e) when (e is IOException or OperationCanceledException or ConnectionAbortedException or ObjectDisposedException)
        {
            return false;
        }
    }

    /// <summary>Bytes read into <paramref name="memory"/> within the activity timeout: 0 at the app's end, -1 timeout, -2 client gone, -3 error.</summary>
    [AsyncMethodBuilder(typeof(PooledValueTaskMethodBuilder<>))]
    private async ValueTask<int> ReceiveAsync(UpstreamConnection upstream, Memory<byte> memory)
    {
        var token = Arm();
        try
        {
            return await upstream.ReceiveAsync(memory, token);
        }
        catch (OperationCanceledException)
        {
            return _aborted ? -2 : -1;
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
            return -3;
        }
    }

    [AsyncMethodBuilder(typeof(PooledValueTaskMethodBuilder<>))]
    private async ValueTask<int> FillAsync(UpstreamConnection upstream)
    {
        var token = Arm();
        try
        {
            return await upstream.FillAsync(token);
        }
        catch (OperationCanceledException)
        {
            return _aborted ? -2 : -1;
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
            return -3;
        }
    }
}
