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
/// Forwarding one request: pick and acquire an instance exactly as <see cref="HttpProxyMiddleware"/>
/// does (candidates, hard limit, ejection on connect failure, another instance only when nothing was
/// sent), splice the platform headers into the client's head, stream the body (buffering up to
/// <see cref="ReplayDirective.MaxBodyBytes"/> so a <c>fly-replay</c> or a stale pooled connection can
/// send it again), then relay the answer with the response header rules.
/// </summary>
public sealed partial class Http1Connection
{
    private const int MaxAttempts = 3;
    private const int InlineBodyBytes = 16 * 1024;

    private byte[]? _replayBody;
    private int _replayLength;
    private long _bodyRemaining;
    private bool _chunkedBody;
    private bool _hasBody;
    /// <summary>Set while the body of a 100-continue request waits for the app's go-ahead.</summary>
    private bool _bodyHeld;
    private bool _closeAfterBodyHeld;
    private ChunkedFraming _requestChunks;
    /// <summary>The app side's timeout: the answer's head, then each read of its body.</summary>
    private readonly Connections.Deadline _upstreamTimeout;

    private enum Outcome
    {
        Done,
        Replay,
        ConnectFailed,
        Timeout,
        BadResponse,
        ClientGone,
        ClientBodyTimeout,
        ClientBadBody,
        /// <summary>The answer broke off after its head went to the client: the client connection is cut.</summary>
        Broken,
    }

    [AsyncMethodBuilder(typeof(PooledValueTaskMethodBuilder<>))]

    private async ValueTask<Next> ForwardAsync(PortRoute route, IReadOnlyList<InstanceRoute> instances, Steering steering, string requestId, string host,
        long contentLength, bool chunked, bool headRequest)
    {
        var o = _owner.Options;
        var state = _owner.State;
        var metrics = _owner.Metrics;
        var time = _owner.Time;
        var hasBody = chunked || contentLength > 0;
        // A request can be sent again (replay, a pooled connection found closed) only if its body can: small bodies are kept.
        var replayable = !hasBody || (!chunked && contentLength <= ReplayDirective.MaxBodyBytes);
        _bodyRemaining = chunked ? 0 : contentLength;
        _hasBody = hasBody;
        _chunkedBody = chunked;
        _requestChunks = default;
        _replayLength = 0;
        if (hasBody && replayable) _replayBody = ArrayPool<byte>.Shared.Rent((int)contentLength);
        var startMicros = time.GetUtcNow().ToUnixTimeMilliseconds() * 1000;
        string? replaySource = null;
        var table = state.Table;
        var hops = 0;
        var request = Request(route, instances, steering);
        try
        {
            for (var attempt = 1; ; attempt++)
            {
                InstanceLease lease;
                try
                {
                    lease = await _owner.Selector.AcquireAsync(request, _connection.ConnectionClosed);
                }
                catch (OperationCanceledException) when (_connection.ConnectionClosed.IsCancellationRequested)
                {
                    // Gone while waiting in the queue at the hard limit.
                    metrics.Error(ProxyError.ClientClosed);
                    return Next.Close;
                }
                if (!lease.Acquired)
                {
                    return await FailRequestAsync(lease.Error.HttpStatus(), requestId, lease.Error switch
                    {
                        ProxyError.Overloaded => $"every instance of {route.AppName} is at its hard limit",
                        ProxyError.ConnectFailed => $"could not connect to an instance of {route.AppName}",
                        ProxyError.AppConnectionLimit => $"{route.AppName} has as many requests in flight on this gateway as it may",
                        _ => $"no healthy instance of {route.AppName}",
                    }, lease.Error.Label(), headRequest);
                }
                var instance = lease.Instance!;
                var endpoint = InstanceEndpoints.Cached(instance, route.App, route.Service);
                Outcome outcome;
                ReplayDirective? replay = null;
                var started = Stopwatch.GetTimestamp();
                try
                {
                    (outcome, replay) = endpoint is null
                        ? (Outcome.ConnectFailed, null)
                        : await ExchangeAsync(route, endpoint, requestId, host, startMicros, replaySource, steering.PreferredInstanceUnavailable, replayable, headRequest);
                    if (outcome == Outcome.Done) metrics.Proxied(route.AppName, Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                }
                finally
                {
                    lease.Dispose();
                }
                switch (outcome)
                {
                    case Outcome.Done:
                        return _closeAfter ? Next.Close : Next.KeepAlive;
                    case Outcome.Replay:
                        if (++hops > ReplayDirective.MaxHops)
                        {
                            return await FailRequestAsync(502, requestId, $"replayed more than {ReplayDirective.MaxHops} times", "replay_limit", headRequest);
                        }
                        if (replay!.App is { } otherApp && otherApp != route.AppName)
                        {
                            var target = table.RouteFor(otherApp, _port);
                            // Only within the replying app's org, as on the mirrored platform (see HttpProxyMiddleware).
                            var sameOrg = target is not null && target.App.Org == route.App.Org;
                            if (!sameOrg)
                            {
                                return await FailRequestAsync(502, requestId, $"replay to app {otherApp}, which does not serve port {_port}",
                                    target is null ? ErrorReasons.ReplayNoRoute : ErrorReasons.ReplayRefused, headRequest);
                            }
                            route = target!;
                            instances = table.InstancesOf(otherApp);
                        }
                        steering = Steering.ForReplay(replay, instance.Id);
                        request = Request(route, instances, steering);
                        replaySource = $"instance={instance.Id};region={instance.Region};t={time.GetUtcNow().ToUnixTimeMilliseconds() * 1000}" + (replay.State is { } st ? $";state={st}" : "");
                        metrics.Count("replayed");
                        attempt = 0;
                        continue;
                    case Outcome.ConnectFailed:
                        lease.Eject();
                        metrics.Error(ProxyError.UpstreamConnectRefused);
                        // Nothing reached the instance: another one may take the request (the selector offers the next candidate).
                        if (ProxyError.UpstreamConnectRefused.IsRetryable() && !hasBody && attempt < MaxAttempts) continue;
                        return await FailRequestAsync(502, requestId, $"could not connect to an instance of {route.AppName}", ProxyError.ConnectFailed.Label(), headRequest);
                    case Outcome.Timeout:
                        return await FailRequestAsync(504, requestId, $"{route.AppName} did not answer in time", "upstream_timeout", headRequest);
                    case Outcome.BadResponse:
                        return await FailRequestAsync(502, requestId, $"{route.AppName} sent no valid response", "bad_upstream_response", headRequest);
                    case Outcome.ClientBodyTimeout:
                        await FailAsync(408, requestId, "the request body did not arrive in time", "client_body_timeout", close: true, headRequest);
                        return Next.Close;
                    case Outcome.ClientBadBody:
                        await FailAsync(400, requestId, "the request body is malformed", "client_bad_body", close: true, headRequest);
                        return Next.Close;
                    case Outcome.ClientGone:
                        metrics.Error("client_closed");
                        return Next.Close;
                    default:
                        metrics.Error("bad_upstream_response");
                        _connection.Abort();
                        return Next.Close;
                }
            }
        }
        finally
        {
            if (_replayBody is { } body)
            {
                _replayBody = null;
                ArrayPool<byte>.Shared.Return(body);
            }
        }
    }

    private bool _closeAfter;

    /// <summary>What the selector is asked for a request: the app's instances narrowed by steering, with its preferences (as HttpProxyMiddleware asks).</summary>
    /// <remarks>One per connection, reset for each request, its lease re-armed each time: a request allocates neither.</remarks>
    private UpstreamRequest Request(PortRoute route, IReadOnlyList<InstanceRoute> instances, Steering steering)
    {
        if (_upstreamRequest is { } request)
        {
            request.Reset(route, steering.Filter(instances), steering.Regions, steering.PreferredInstance);
            return request;
        }
        return _upstreamRequest = new(route, steering.Filter(instances))
        {
            PreferredRegions = steering.Regions,
            PreferredInstance = steering.PreferredInstance,
            ReusesLeases = true,
        };
    }

    private UpstreamRequest? _upstreamRequest;

    /// <summary>An error answer after the head was consumed: the connection stays only if the request's body was read in full.</summary>
    private async ValueTask<Next> FailRequestAsync(int status, string requestId, string message, string reason, bool headRequest)
    {
        var close = _head.WantsClose || _bodyRemaining > 0 || (_chunkedBody && !_requestChunks.IsDone);
        await FailAsync(status, requestId, message, reason, close, headRequest);
        return close ? Next.Close : Next.KeepAlive;
    }

    [AsyncMethodBuilder(typeof(PooledValueTaskMethodBuilder<>))]

    private async ValueTask<(Outcome, ReplayDirective?)> ExchangeAsync(PortRoute route, IPEndPoint endpoint, string requestId, string host, long startMicros,
        string? replaySource, string? preferredUnavailable, bool replayable, bool headRequest)
    {
        var o = _owner.Options;
        var byConnections = route.Service.Concurrency.Type == ConcurrencyConfig.Connections;
        var upstream = byConnections ? null : _owner.Pool.TakeIdle(endpoint, trustRecent: replayable && !_hasBody);
        var pooled = upstream is not null;
        if (upstream is null)
        {
            try
            {
                upstream = await UpstreamPool.ConnectAsync(endpoint, o.ConnectTimeout, _connection.ConnectionClosed);
            }
            catch (Exception e) when (e is SocketException or OperationCanceledException)
            {
                // The client leaving is not the instance's fault: no ejection for it.
                return (_connection.ConnectionClosed.IsCancellationRequested ? Outcome.ClientGone : Outcome.ConnectFailed, null);
            }
        }
        var keep = false;
        try
        {
            while (true)
            {
                ComposeRequest(route, requestId, host, endpoint, startMicros, replaySource, preferredUnavailable, byConnections);
                // 100-continue: the head alone first; the body follows the app's 100 (or a short wait), or never.
                _bodyHeld = _expectContinue && _replayLength == 0;
                var sent = await SendRequestAsync(upstream);
                var retry = false;
                if (sent == SendResult.UpstreamFailed) retry = true;
                else if (sent != SendResult.Sent) return (ClientFailure(sent), null);
                var read = retry ? HeadResult.ClosedEarly : await ReadResponseHeadAsync(upstream, requestId, route.AppName, _bodyHeld);
                if (_bodyHeld && read is HeadResult.Continue or HeadResult.Timeout)
                {
                    // The go-ahead (the app's 100, or its silence past the wait a client would allow): the client hears 100, the body goes on.
                    if (read == HeadResult.Continue) upstream.Consume(_response.Length);
                    _bodyHeld = false;
                    _output.Write("HTTP/1.1 100 Continue\r\n\r\n"u8);
                    if (!await FlushAsync()) return (Outcome.ClientGone, null);
                    _out.Clear();
                    var body = await SendRequestAsync(upstream);
                    if (body == SendResult.UpstreamFailed) return (Outcome.BadResponse, null);
                    if (body != SendResult.Sent) return (ClientFailure(body), null);
                    read = await ReadResponseHeadAsync(upstream, requestId, route.AppName, false);
                }
                if (read == HeadResult.ClosedEarly)
                {
                    // A pooled connection the app had closed: nothing of the answer came and no body was
                    // sent (a body the app may have taken is never sent twice), so the request goes once more on a fresh one.
                    if (pooled && replayable && (retry || !_hasBody || _bodyHeld))
                    {
                        upstream.Dispose();
                        pooled = false;
                        try
                        {
                            upstream = await UpstreamPool.ConnectAsync(endpoint, o.ConnectTimeout, _connection.ConnectionClosed);
                        }
                        catch (Exception e) when (e is SocketException or OperationCanceledException)
                        {
                            return (Outcome.ConnectFailed, null);
                        }
                        continue;
                    }
                    return (Outcome.BadResponse, null);
                }
                if (read == HeadResult.Timeout) return (_clientClosed ? Outcome.ClientGone : Outcome.Timeout, null);
                if (read != HeadResult.Complete) return (Outcome.BadResponse, null);
                break;
            }
            var response = _response;
            if (replayable && !_bodyHeld && response.ReplayIndex >= 0)
            {
                ref readonly var f = ref response[response.ReplayIndex];
                var value = Encoding.Latin1.GetString(upstream.Pending.Slice(f.ValueStart, f.ValueLength));
                // The client never sees this answer: the request goes again (its connection is not reused: the body is unread).
                if (ReplayDirective.Parse(value) is { } replay) return (Outcome.Replay, replay);
            }
            // A final answer to a 100-continue request before its body: the body is never sent, so
            // neither connection can carry another request (RFC 9110 §10.1.1).
            if (_bodyHeld) _closeAfterBodyHeld = true;
            var (outcome, reusable) = await RelayResponseAsync(upstream, route, requestId, headRequest);
            keep = reusable && !byConnections && !_bodyHeld;
            return (outcome, null);
        }
        finally
        {
            if (keep) _owner.Pool.Return(upstream);
            else upstream.Dispose();
        }
    }

    private static Outcome ClientFailure(SendResult result) => result switch
    {
        SendResult.ClientTimeout => Outcome.ClientBodyTimeout,
        SendResult.ClientBadBody => Outcome.ClientBadBody,
        _ => Outcome.ClientGone,
    };
}
