using System.Buffers;
using System.Net.Sockets;
using System.Runtime.CompilerServices;
using Mesh.Gateway.Async;
using Mesh.Gateway.Http;
using Mesh.Gateway.Routing;
using Mesh.Interfaces.Config;

namespace Mesh.Gateway.Http1;

/// <summary>
/// Relaying the app's answer: the head with the response header rules (Via with the client's
/// protocol version, Fly-Request-Id, Server unless <c>pristine</c>, <c>http_options.response.headers</c>,
/// the app's Connection-named fields dropped), then the body framed as it came (Content-Length,
/// chunked with trailers to HTTP/1.1 clients and unchunked to HTTP/1.0 ones, or until the app
/// closes, after which the client connection closes too).
/// </summary>
public sealed partial class Http1Connection
{
    private ChunkedFraming _responseChunks;

    [AsyncMethodBuilder(typeof(PooledValueTaskMethodBuilder<>))]

    private async ValueTask<(Outcome Outcome, bool Reusable)> RelayResponseAsync(UpstreamConnection upstream, PortRoute route, string requestId, bool headRequest)
    {
        var r = _response;
        var clientHttp11 = _head.IsHttp11;
        var bodyless = headRequest || r.Status is 204 or 304;
        var untilClose = !bodyless && !r.Chunked && r.ContentLength < 0;
        var dechunk = !bodyless && r.Chunked && !clientHttp11;
        _closeAfter = _head.WantsClose || untilClose || dechunk || _closeAfterBodyHeld;
        _closeAfterBodyHeld = false;
        ComposeResponseHead(upstream.Pending, route.Port.HttpOptions, requestId, bodyless);
        upstream.Consume(r.Length);
        _output.Write(_out.Span);
        if (bodyless)
        {
            if (!await FlushAsync()) return (Outcome.ClientGone, false);
            return (Outcome.Done, r.Minor == 1 && !r.ConnectionClose && upstream.Buffered == 0);
        }
        if (r.ContentLength >= 0)
        {
            var remaining = r.ContentLength;
            var take = (int)Math.Min(remaining, upstream.Buffered);
            if (take > 0)
            {
                _output.Write(upstream.Pending[..take]);
                upstream.Consume(take);
                remaining -= take;
            }
            // When the rest of the body is already waiting on the app's socket, it goes out with
            // the head in one send: the client wakes once for the response instead of once per part.
            if (remaining == 0 || !upstream.HasWaitingBytes)
            {
                if (!await FlushAsync()) return (Outcome.ClientGone, false);
            }
            while (remaining > 0)
            {
                var memory = _output.GetMemory(UpstreamConnection.BodyChunkSize);
                if (memory.Length > remaining) memory = memory[..(int)remaining];
                var n = await ReceiveAsync(upstream, memory);
                if (n <= 0) return (n == 0 ? Outcome.Broken : Outcome.Broken, false);
                _output.Advance(n);
                remaining -= n;
                if (!await FlushAsync()) return (Outcome.ClientGone, false);
            }
            return (Outcome.Done, r.Reusable && upstream.Buffered == 0);
        }
        if (r.Chunked)
        {
            _responseChunks = default;
            while (true)
            {
                while (upstream.Buffered > 0 && !_responseChunks.IsDone)
                {
                    var pending = upstream.Pending;
                    var consumed = _responseChunks.Advance(pending, out var dataStart, out var dataLength);
                    if (_responseChunks.IsInvalid) return (Outcome.Broken, false);
                    if (dechunk)
                    {
                        if (dataLength > 0) _output.Write(pending.Slice(dataStart, dataLength));
                    }
                    else
                    {
                        _output.Write(pending[..consumed]);
                    }
                    upstream.Consume(consumed);
                }
                if (_responseChunks.IsDone) break;
                if (!await FlushAsync()) return (Outcome.ClientGone, false);
                var n = await FillAsync(upstream);
                if (n <= 0) return (Outcome.Broken, false);
            }
            if (!await FlushAsync()) return (Outcome.ClientGone, false);
            return (Outcome.Done, r.Reusable && upstream.Buffered == 0);
        }
        // Read until the app closes (RFC 9112 §6.3 item 8); the client connection ends after it.
        if (upstream.Buffered > 0)
        {
            _output.Write(upstream.Pending);
            upstream.Consume(upstream.Buffered);
        }
        while (true)
        {
            if (!await FlushAsync()) return (Outcome.ClientGone, false);
            var memory = _output.GetMemory(UpstreamConnection.BodyChunkSize);
            var n = await ReceiveAsync(upstream, memory);
            if (n < 0) return (Outcome.Broken, false);
            if (n == 0) break;
            _output.Advance(n);
        }
        return (Outcome.Done, false);
    }

    private void ComposeResponseHead(ReadOnlySpan<byte> data, HttpOptions? options, string requestId, bool bodyless)
    {
        var r = _response;
        var b = _out;
        var pristine = options?.Pristine == true;
        var rules = options is null ? default : options.ResponseHeaders;
        var hasRules = !rules.IsDefaultOrEmpty;
        b.Clear();
        b.Add("HTTP/1.1 "u8).Add(r.Status).Add(" "u8).Add(data[r.Reason]).Add(Crlf);
        var hasVia = false;
        for (var i = 0; i < r.Count; i++)
        {
            ref readonly var f = ref r[i];
            if (f.Dropped) continue;
            if (!pristine)
            {
                if (f.Kind == HeaderKind.Via)
                {
                    hasVia = true;
                    continue;
                }
                if (f.Kind is HeaderKind.Server or HeaderKind.RequestId) continue;
            }
            var name = data.Slice(f.NameStart, f.NameLength);
            if (hasRules && Removed(rules, name)) continue;
            b.Add(name).Add(": "u8).Add(data.Slice(f.ValueStart, f.ValueLength)).Add(Crlf);
        }
        if (r.Status != 204)
        {
            if (r.ContentLength >= 0) b.Add("Content-Length: "u8).Add(r.ContentLength).Add(Crlf);
            else if (r.Chunked && (bodyless || _head.IsHttp11)) b.Add("Transfer-Encoding: chunked\r\n"u8);
        }
        if (_closeAfter) b.Add("Connection: close\r\n"u8);
        else if (!_head.IsHttp11) b.Add("Connection: keep-alive\r\n"u8);
        if (!pristine)
        {
            if (!hasRules || !Removed(rules, "Via"u8))
            {
                b.Add("Via: "u8);
                if (hasVia)
                {
                    for (var i = 0; i < r.Count; i++)
                    {
                        ref readonly var f = ref r[i];
                        if (f.Kind == HeaderKind.Via && !f.Dropped && f.ValueLength > 0) b.Add(data.Slice(f.ValueStart, f.ValueLength)).Add(", "u8);
                    }
                }
                b.Add(_head.IsHttp11 ? "1.1 mesh\r\n"u8 : "1.0 mesh\r\n"u8);
            }
            if (!hasRules || !Removed(rules, "Fly-Request-Id"u8)) b.Add("Fly-Request-Id: "u8).Add(requestId).Add(Crlf);
            if (!hasRules || !Removed(rules, "Server"u8)) b.Add("Server: "u8).Add(PlatformTransformer.ServerHeader).Add(Crlf);
        }
        if (hasRules)
        {
            foreach (var rule in rules)
            {
                if (rule.Remove) continue;
                foreach (var value in rule.Values) b.Add(rule.Name).Add(": "u8).Add(value).Add(Crlf);
            }
        }
        b.Add(Crlf);
    }

    private static bool Removed(System.Collections.Immutable.ImmutableArray<ResponseHeaderRule> rules, ReadOnlySpan<byte> name)
    {
        foreach (var rule in rules)
        {
            if (rule.Remove && System.Text.Ascii.EqualsIgnoreCase(name, rule.Name)) return true;
        }
        return false;
    }

    [AsyncMethodBuilder(typeof(PooledValueTaskMethodBuilder<>))]

    private async ValueTask<bool> FlushAsync()
    {
        var result = await _output.FlushAsync();
        return !result.IsCompleted && !result.IsCanceled;
    }

    /// <summary>Reads from the app into <paramref name="memory"/> within the upstream timeout: bytes read, 0 at its end, -1 on an error or timeout.</summary>
    [AsyncMethodBuilder(typeof(PooledValueTaskMethodBuilder<>))]
    private async ValueTask<int> ReceiveAsync(UpstreamConnection upstream, Memory<byte> memory)
    {
        ArmUpstream();
        try
        {
            return await upstream.ReceiveAsync(memory, _upstreamTimeout.Token);
        }
        catch (Exception e) when (e is SocketException or OperationCanceledException or ObjectDisposedException)
        {
            return -1;
        }
    }

    [AsyncMethodBuilder(typeof(PooledValueTaskMethodBuilder<>))]

    private async ValueTask<int> FillAsync(UpstreamConnection upstream)
    {
        ArmUpstream();
        try
        {
            return await upstream.FillAsync(_upstreamTimeout.Token);
        }
        catch (Exception e) when (e is SocketException or OperationCanceledException or ObjectDisposedException)
        {
            return -1;
        }
    }
}
