using System.Buffers;
using System.Net;
using System.Net.Sockets;
using System.Runtime.CompilerServices;
using System.Text;
using Mesh.Gateway.Async;
using Mesh.Gateway.Http;
using Mesh.Interfaces.Config;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Yarp.ReverseProxy.Forwarder;

namespace Mesh.Gateway.Http1;

/// <summary>
/// One request that Kestrel parsed, sent to an HTTP/1.1 app over a connection of
/// <see cref="UpstreamPool"/> (the fast path's pool): head from <see cref="KestrelRequestHead"/>,
/// the body as Content-Length or chunked, the answer parsed by <see cref="ResponseHeadParser"/>
/// and relayed through Kestrel (KestrelExchange.Response.cs). The buffers are kept between
/// requests: <see cref="KestrelUpstreamForwarder"/> pools these objects. Failures come back as the
/// <see cref="ForwarderError"/> YARP would report, so the middleware's mapping stays the one.
/// </summary>
public sealed partial class KestrelExchange(KestrelUpstreamForwarder owner) : IDisposable
{
    private const int BodyChunk = 16 * 1024;
    // Room in front of a body read for its chunk-size line (hex digits and CRLF).
    private const int ChunkPrefix = 8;

    private readonly HeadBuffer _out = new();
    private readonly ResponseHead _response = new();
    private readonly Connections.Deadline _timer = new(owner.Deadlines);
    private TimeSpan _activityTimeout;
    private volatile bool _aborted;

    private enum Send
    {
        Sent,
        UpstreamFailed,
        ClientGone,
        ClientBody,
    }

    private enum Head
    {
        Complete,
        ClosedEarly,
        Invalid,
        Timeout,
        ClientGone,
    }

    [AsyncMethodBuilder(typeof(PooledValueTaskMethodBuilder<>))]
    internal async ValueTask<ForwarderError> RunAsync(HttpContext context, IPEndPoint endpoint, ProxiedRequest info)
    {
        var o = owner.Options;
        _aborted = false;
        _activityTimeout = o.UpstreamTimeout;
        var request = context.Request;
        var route = info.Route;
        var byConnections = route.Service.Concurrency.Type == ConcurrencyConfig.Connections;
        var contentLength = request.ContentLength ?? -1;
        var canHaveBody = context.Features.Get<IHttpRequestBodyDetectionFeature>()?.CanHaveBody ?? contentLength > 0;
        // An h2 body without Content-Length (or a chunked HTTP/1.1 one Kestrel unframed) goes chunked.
        var chunked = contentLength < 0 && canHaveBody;
        var hasBody = chunked || contentLength > 0;
        var body = request.Body;
        // A request goes again on a fresh connection only if its body can: none, or buffered by the middleware.
        var retryable = !hasBody || body.CanSeek;
        var bodyStart = hasBody && body.CanSeek ? body.Position : 0;
        using var abort = context.RequestAborted.UnsafeRegister(static s => ((KestrelExchange)s!).OnAborted(), this);
        var upstream = byConnections ? null : owner.Pool.TakeIdle(endpoint, trustRecent: !hasBody);
        var pooled = upstream is not null;
        if (upstream is null)
        {
            (upstream, var failed) = await ConnectAsync(context, endpoint, o.ConnectTimeout);
            if (upstream is null) return failed;
        }
        var keep = false;
        try
        {
            while (true)
            {
                KestrelRequestHead.Compose(_out, context, info, endpoint, chunked ? -1 : contentLength, chunked, byConnections);
                var (sent, clientError) = await SendRequestAsync(context, upstream, body, hasBody, chunked, contentLength);
                if (sent == Send.ClientGone) return Fail(context, ForwarderError.RequestCanceled, null);
                if (sent == Send.ClientBody) return Fail(context, ForwarderError.RequestBodyClient, clientError);
                // Even after a failed write the app may have answered (and closed) first: read what it sent.
                var read = await ReadHeadAsync(upstream, info.RequestId, route.AppName);
                if (read == Head.ClosedEarly && pooled && retryable)
                {
                    // A pooled connection the app had closed: no byte of an answer came, so the request goes once more on a fresh one.
                    upstream.Dispose();
                    pooled = false;
                    if (hasBody) body.Position = bodyStart;
                    (upstream, var failed) = await ConnectAsync(context, endpoint, o.ConnectTimeout);
                    if (upstream is null) return failed;
                    continue;
                }
                switch (read)
                {
                    case Head.Timeout:
                        return Fail(context, ForwarderError.RequestTimedOut, new TimeoutException($"no answer within {_activityTimeout}"));
                    case Head.ClientGone:
                        return Fail(context, ForwarderError.RequestCanceled, null);
                    case Head.ClosedEarly or Head.Invalid:
                        return Fail(context, ForwarderError.Request, new HttpRequestException(HttpRequestError.InvalidResponse, "the app sent no valid response"));
                }
                break;
            }
            var r = _response;
            // Only when the body can be sent again too (an h2 body without Content-Length is not kept).
            if (info.Replayable && retryable && r.ReplayIndex >= 0)
            {
                ref readonly var f = ref r[r.ReplayIndex];
                // The client never sees this answer: the middleware sends the request again (this connection is not reused: its body is unread).
                if (ReplayDirective.Parse(Encoding.Latin1.GetString(upstream.Pending.Slice(f.ValueStart, f.ValueLength))) is { } replay)
                {
                    info.Replay = replay;
                    return ForwarderError.None;
                }
            }
            KestrelResponseHead.Apply(context.Response, r, upstream.Pending, route.Port.HttpOptions, info.RequestId, request.Protocol);
            upstream.Consume(r.Length);
            var (error, reusable) = await RelayBodyAsync(context, upstream, HttpMethods.IsHead(request.Method));
            if (error != ForwarderError.None) return Fail(context, error, error == ForwarderError.ResponseBodyDestination ? new IOException("the app's answer broke off") : null);
            keep = reusable && !byConnections;
            return ForwarderError.None;
        }
        finally
        {
            if (keep) owner.Pool.Return(upstream!);
            else upstream!.Dispose();
        }
    }

    private static ForwarderError Fail(HttpContext context, ForwarderError error, Exception? exception)
    {
        context.Features.Set<IForwarderErrorFeature>(new ForwarderFailure(error, exception));
        return error;
    }

    private async ValueTask<(UpstreamConnection?, ForwarderError)> ConnectAsync(HttpContext context, IPEndPoint endpoint, TimeSpan timeout)
    {
        try
        {
            return (await UpstreamPool.ConnectAsync(endpoint, timeout, context.RequestAborted), ForwarderError.None);
        }
        catch (Exception e) when (e is SocketException or OperationCanceledException)
        {
            if (context.RequestAborted.IsCancellationRequested) return (null, Fail(context, ForwarderError.RequestCanceled, null));
            // In the terms the middleware reads as "nothing was sent": eject, maybe another instance.
            return (null, Fail(context, ForwarderError.Request, new HttpRequestException(HttpRequestError.ConnectionError, $"could not connect to {endpoint}", e)));
        }
    }

    /// <summary>Sends the head, with the body's first piece in the same write, then the rest of the body as the client sends it.</summary>
    [AsyncMethodBuilder(typeof(PooledValueTaskMethodBuilder<>))]
    private async ValueTask<(Send, Exception?)> SendRequestAsync(HttpContext context, UpstreamConnection upstream, Stream body, bool hasBody, bool chunked, long contentLength)
    {
        if (!hasBody) return (await upstream.SendAllAsync(_out.Memory) ? Send.Sent : Send.UpstreamFailed, null);
        var buffer = ArrayPool<byte>.Shared.Rent(ChunkPrefix + BodyChunk + 2);
        try
        {
            var first = true;
            long total = 0;
            while (true)
            {
                int n;
                if (!chunked && total >= contentLength)
                {
                    n = 0;
                }
                else
                {
                    try
                    {
                        n = await body.ReadAsync(buffer.AsMemory(ChunkPrefix, BodyChunk), context.RequestAborted);
                    }
                    catch (BadHttpRequestException e)
                    {
                        return (Send.ClientBody, e);
                    }
                    catch (Exception e) when (e is IOException or OperationCanceledException or ConnectionAbortedException or ObjectDisposedException)
                    {
                        return context.RequestAborted.IsCancellationRequested ? (Send.ClientGone, null) : (Send.ClientBody, e);
                    }
                    if (n == 0 && !chunked && total < contentLength)
                    {
                        return context.RequestAborted.IsCancellationRequested ? (Send.ClientGone, null) : (Send.ClientBody, new IOException("the request body ended early"));
                    }
                }
                total += n;
                ReadOnlyMemory<byte> piece;
                if (n == 0)
                {
                    piece = chunked ? LastChunk : ReadOnlyMemory<byte>.Empty;
                }
                else if (chunked)
                {
                    // "<hex>\r\n" right before the data, "\r\n" after it: one contiguous write.
                    n.TryFormat(buffer.AsSpan(0, ChunkPrefix - 2), out var digits, "x", System.Globalization.CultureInfo.InvariantCulture);
                    var start = ChunkPrefix - digits - 2;
                    buffer.AsSpan(0, digits).CopyTo(buffer.AsSpan(start));
                    buffer[ChunkPrefix - 2] = (byte)'\r';
                    buffer[ChunkPrefix - 1] = (byte)'\n';
                    buffer[ChunkPrefix + n] = (byte)'\r';
                    buffer[ChunkPrefix + n + 1] = (byte)'\n';
                    piece = buffer.AsMemory(start, ChunkPrefix + n + 2 - start);
                }
                else
                {
                    piece = buffer.AsMemory(ChunkPrefix, n);
                }
                if (first)
                {
                    _out.Add(piece.Span);
                    piece = _out.Memory;
                    first = false;
                }
                if (piece.Length > 0 && !await upstream.SendAllAsync(piece)) return (Send.UpstreamFailed, null);
                if (n == 0) return (Send.Sent, null);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static readonly ReadOnlyMemory<byte> LastChunk = "0\r\n\r\n"u8.ToArray();


    /// <summary>Reads the app's final response head; interim 1xx answers are not relayed (Kestrel sends its own 100 Continue), and 101 is no answer here.</summary>
    [AsyncMethodBuilder(typeof(PooledValueTaskMethodBuilder<>))]
    private async ValueTask<Head> ReadHeadAsync(UpstreamConnection upstream, string requestId, string app)
    {
        var any = false;
        while (true)
        {
            if (upstream.Buffered > 0)
            {
                var parsed = ResponseHeadParser.Parse(upstream.Pending, _response, out var error);
                if (parsed == ResponseHeadParser.Result.Complete)
                {
                    if (_response.Status >= 200) return Head.Complete;
                    if (_response.Status == 101) return Head.Invalid;
                    upstream.Consume(_response.Length);
                    continue;
                }
                if (parsed == ResponseHeadParser.Result.Invalid)
                {
                    owner.LogBadResponse(requestId, app, error);
                    return Head.Invalid;
                }
            }
            var token = Arm();
            int n;
            try
            {
                n = await upstream.FillAsync(token);
            }
            catch (OperationCanceledException)
            {
                return _aborted ? Head.ClientGone : Head.Timeout;
            }
            catch (Exception e) when (e is SocketException or ObjectDisposedException)
            {
                return any ? Head.Invalid : Head.ClosedEarly;
            }
            if (n == 0) return any ? Head.Invalid : Head.ClosedEarly;
            any = true;
        }
    }

    /// <summary>The activity timeout for one upstream read; already cancelled once the client went away.</summary>
    private CancellationToken Arm()
    {
        _timer.Arm(_activityTimeout);
        if (_aborted) _timer.Expire();
        return _timer.Token;
    }

    /// <summary>An exchange the forwarder does not keep: its timeout leaves the sweeper.</summary>
    public void Dispose() => _timer.Dispose();

    private void OnAborted()
    {
        _aborted = true;
        _timer.Expire();
    }
}
