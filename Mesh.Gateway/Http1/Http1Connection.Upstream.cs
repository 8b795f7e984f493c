using System.Buffers;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Runtime.CompilerServices;
using System.Text;
using Mesh.Gateway.Async;
using Mesh.Gateway.Forwarding;
using Mesh.Gateway.Http;
using Mesh.Gateway.Routing;
using Mesh.Gateway.Telemetry;
using Mesh.Interfaces.Config;
using Mesh.Interfaces.Model;

namespace Mesh.Gateway.Http1;

/// <summary>
/// The upstream side of one exchange: the head to the app (the client's fields spliced with the
/// platform's), sending it and the body, and reading the app's response head.
/// </summary>
public sealed partial class Http1Connection
{
    private static ReadOnlySpan<byte> Crlf => "\r\n"u8;

    /// <summary>The head to the app: the client's fields minus the proxy-owned and hop ones, then the platform's (as <see cref="PlatformTransformer"/> sets them).</summary>
    private void ComposeRequest(PortRoute route, string requestId, string host, IPEndPoint endpoint, long startMicros, string? replaySource, string? preferredUnavailable, bool byConnections)
    {
        var head = _head;
        var b = _out;
        b.Clear();
        b.Add(head.MethodBytes).Add(" "u8).Add(head.OriginTarget).Add(" HTTP/1.1\r\n"u8);
        b.Add("Host: "u8);
        if (host.Length > 0) b.Add(head.RoutingHost);
        else b.Add(endpoint.ToString());
        b.Add(Crlf);
        var hasForwardedFor = false;
        var hasVia = false;
        for (var i = 0; i < head.Count; i++)
        {
            ref readonly var f = ref head[i];
            if (f.Kind == HeaderKind.ForwardedFor) hasForwardedFor = true;
            else if (f.Kind == HeaderKind.Via) hasVia = true;
            if (!f.Dropped) b.Add(head.Line(f));
        }
        if (_chunkedBody) b.Add("Transfer-Encoding: chunked\r\n"u8);
        else if (head.ContentLengthCount > 0) b.Add("Content-Length: "u8).Add(_bodyRemaining + _replayLength).Add(Crlf);
        // Concurrency by connections (the default): every request has its own upstream connection (fly-reference §1D).
        if (byConnections) b.Add("Connection: close\r\n"u8);
        if (_expectContinue && _replayLength == 0) b.Add("Expect: 100-continue\r\n"u8);
        var https = _https;
        b.Add("Fly-Client-IP: "u8).Add(_clientIp).Add(Crlf);
        b.Add("X-Forwarded-For: "u8);
        if (hasForwardedFor) AddJoined(b, HeaderKind.ForwardedFor);
        b.Add(_clientIp).Add(Crlf);
        b.Add(https ? "X-Forwarded-Proto: https\r\nFly-Forwarded-Proto: https\r\nX-Forwarded-SSL: on\r\nFly-Forwarded-Ssl: on\r\n"u8
            : "X-Forwarded-Proto: http\r\nFly-Forwarded-Proto: http\r\nX-Forwarded-SSL: off\r\nFly-Forwarded-Ssl: off\r\n"u8);
        if (!head.HasForwardedPort) b.Add("X-Forwarded-Port: "u8).Add(_port).Add(Crlf);
        b.Add("Fly-Forwarded-Port: "u8).Add(_port).Add(Crlf);
        b.Add("Fly-Region: "u8).Add(_owner.Options.Region).Add(Crlf);
        b.Add("Fly-Request-Id: "u8).Add(requestId).Add(Crlf);
        b.Add("X-Request-Start: t="u8).Add(startMicros).Add(Crlf);
        if (replaySource is not null) b.Add("fly-replay-src: "u8).Add(replaySource).Add(Crlf);
        if (preferredUnavailable is not null) b.Add("Fly-Preferred-Instance-Unavailable: "u8).Add(preferredUnavailable).Add(Crlf);
        b.Add("Via: "u8);
        if (hasVia) AddJoined(b, HeaderKind.Via);
        b.Add(head.IsHttp11 ? "1.1 mesh\r\n\r\n"u8 : "1.0 mesh\r\n\r\n"u8);
    }

    /// <summary>The client's values of a list field, each followed by ", ", to append the gateway's own after.</summary>
    private void AddJoined(HeadBuffer b, HeaderKind kind)
    {
        for (var i = 0; i < _head.Count; i++)
        {
            ref readonly var f = ref _head[i];
            if (f.Kind == kind && f.ValueLength > 0) b.Add(_head.Value(f)).Add(", "u8);
        }
    }

    private enum SendResult
    {
        Sent,
        UpstreamFailed,
        ClientTimeout,
        ClientBadBody,
        ClientGone,
    }

    /// <summary>Sends the head, the body bytes kept so far, then the rest of the body as the client sends it.</summary>
    [AsyncMethodBuilder(typeof(PooledValueTaskMethodBuilder<>))]
    private async ValueTask<SendResult> SendRequestAsync(UpstreamConnection upstream)
    {
        // A small body already here goes in the same write as the head.
        if (_bodyHeld)
        {
        }
        else if (!_chunkedBody && _bodyRemaining > 0 && _bodyRemaining <= InlineBodyBytes && _replayLength == 0 && _input.TryRead(out var ready))
        {
            if (ready.Buffer.Length >= _bodyRemaining)
            {
                var body = ready.Buffer.Slice(0, _bodyRemaining);
                foreach (var segment in body)
                {
                    _out.Add(segment.Span);
                    Keep(segment.Span);
                }
                _bodyRemaining = 0;
                _input.AdvanceTo(body.End);
            }
            else
            {
                _input.AdvanceTo(ready.Buffer.Start);
            }
        }
        else if (_replayLength > 0)
        {
            _out.Add(_replayBody.AsSpan(0, _replayLength));
        }
        if (_bodyHeld)
        {
            return await upstream.SendAllAsync(_out.Memory) ? SendResult.Sent : SendResult.UpstreamFailed;
        }
        if (_out.Length > 0 && !await upstream.SendAllAsync(_out.Memory)) return SendResult.UpstreamFailed;
        _out.Clear();
        while (_bodyRemaining > 0 || (_chunkedBody && !_requestChunks.IsDone))
        {
            Arm(_owner.FastPathOptions.BodyStallTimeout);
            System.IO.Pipelines.ReadResult result;
            try
            {
                result = await _input.ReadAsync(_timeout.Token);
            }
            catch (OperationCanceledException)
            {
                return SendResult.ClientTimeout;
            }
            var buffer = result.Buffer;
            if (buffer.IsEmpty && (result.IsCompleted || result.IsCanceled))
            {
                _input.AdvanceTo(buffer.End);
                return SendResult.ClientGone;
            }
            if (!_chunkedBody)
            {
                var part = buffer.Slice(0, Math.Min(_bodyRemaining, buffer.Length));
                foreach (var segment in part)
                {
                    Keep(segment.Span);
                    if (!await upstream.SendAllAsync(segment))
                    {
                        _bodyRemaining -= part.Length;
                        _input.AdvanceTo(part.End);
                        return SendResult.UpstreamFailed;
                    }
                }
                _bodyRemaining -= part.Length;
                _input.AdvanceTo(part.End);
            }
            else
            {
                long total = 0;
                foreach (var segment in buffer)
                {
                    var span = segment.Span;
                    var offset = 0;
                    while (offset < span.Length && !_requestChunks.IsDone && !_requestChunks.IsInvalid)
                    {
                        offset += _requestChunks.Advance(span[offset..], out _, out _);
                    }
                    if (_requestChunks.IsInvalid)
                    {
                        _input.AdvanceTo(buffer.End);
                        return SendResult.ClientBadBody;
                    }
                    if (offset > 0 && !await upstream.SendAllAsync(segment[..offset]))
                    {
                        _input.AdvanceTo(buffer.End);
                        return SendResult.UpstreamFailed;
                    }
                    total += offset;
                    if (_requestChunks.IsDone) break;
                }
                _input.AdvanceTo(buffer.GetPosition(total), buffer.End);
            }
            if (result.IsCompleted && (_bodyRemaining > 0 || (_chunkedBody && !_requestChunks.IsDone))) return SendResult.ClientGone;
        }
        Arm(Timeout.InfiniteTimeSpan);
        return SendResult.Sent;
    }

    /// <summary>Keeps request body bytes for a replay or a retry.</summary>
    private void Keep(ReadOnlySpan<byte> bytes)
    {
        if (_replayBody is null) return;
        bytes.CopyTo(_replayBody.AsSpan(_replayLength));
        _replayLength += bytes.Length;
    }


    private enum HeadResult
    {
        Complete,
        /// <summary>The app's 100 Continue to a request whose body is held.</summary>
        Continue,
        ClosedEarly,
        Invalid,
        Timeout,
    }

    /// <summary>How long a 100-continue request waits for the app's 100 before its body goes anyway (curl waits 1 s too).</summary>
    private static readonly TimeSpan ContinueWait = TimeSpan.FromSeconds(1);

    private void ArmUpstream() => ArmUpstream(_owner.Options.UpstreamTimeout);

    private void ArmUpstream(TimeSpan timeout)
    {
        _upstreamTimeout.Arm(timeout);
        // Closed between the callback and this arming: the wait must not outlive the client.
        if (_clientClosed) _upstreamTimeout.Expire();
    }

    /// <summary>Reads the app's final response head (interim 1xx answers other than 101 are not relayed).</summary>
    [AsyncMethodBuilder(typeof(PooledValueTaskMethodBuilder<>))]
    private async ValueTask<HeadResult> ReadResponseHeadAsync(UpstreamConnection upstream, string requestId, string app, bool awaitingContinue)
    {
        var any = false;
        while (true)
        {
            if (upstream.Buffered > 0)
            {
                var parsed = ResponseHeadParser.Parse(upstream.Pending, _response, out var error);
                if (parsed == ResponseHeadParser.Result.Complete)
                {
                    if (_response.Status < 200)
                    {
                        if (_response.Status == 101) return HeadResult.Invalid;
                        if (_response.Status == 100 && awaitingContinue) return HeadResult.Continue;
                        upstream.Consume(_response.Length);
                        continue;
                    }
                    return HeadResult.Complete;
                }
                if (parsed == ResponseHeadParser.Result.Invalid)
                {
                    _owner.LogBadResponse(requestId, app, error);
                    return HeadResult.Invalid;
                }
            }
            ArmUpstream(awaitingContinue ? ContinueWait : _owner.Options.UpstreamTimeout);
            int n;
            try
            {
                n = await upstream.FillAsync(_upstreamTimeout.Token);
            }
            catch (OperationCanceledException)
            {
                return HeadResult.Timeout;
            }
            catch (SocketException)
            {
                return any ? HeadResult.Invalid : HeadResult.ClosedEarly;
            }
            if (n == 0) return any ? HeadResult.Invalid : HeadResult.ClosedEarly;
            any = true;
        }
    }
}
