using System.Buffers;
using System.IO.Pipelines;
using System.Net;
using System.Runtime.CompilerServices;
using Mesh.Gateway.Acme;
using Mesh.Gateway.Async;
using Mesh.Gateway.Connections;
using Mesh.Gateway.Http;
using Mesh.Gateway.Routing;
using Mesh.Interfaces.Model;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Connections.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core.Internal.Http;
using BadRequest = Microsoft.AspNetCore.Http.BadHttpRequestException;
using KestrelMethod = Microsoft.AspNetCore.Server.Kestrel.Core.Internal.Http.HttpMethod;

namespace Mesh.Gateway.Http1;

/// <summary>
/// One HTTP/1.x client connection on the fast path: read a head (Kestrel's parser, through
/// <see cref="RequestHead"/>), decide as <see cref="HttpProxyMiddleware"/> does (framing refusals,
/// CONNECT, OPTIONS *, ACME http-01, route, force_https, steering), forward (Http1Connection.Forward.cs),
/// repeat while the connection is kept alive. Requests are answered in order, one at a time, so
/// pipelined requests simply wait in the input pipe. A request the fast path does not carry itself
/// (Upgrade, Expect, an h2 backend) is handed to Kestrel unread, with the rest of the connection.
/// </summary>
public sealed partial class Http1Connection
{
    private readonly Http1FastPath _owner;
    private readonly ConnectionContext _connection;
    private readonly ConnectionDelegate _next;
    /// <summary>The client used TLS: to this gateway, or to the balancer in front of it (its PROXY v2 SSL TLV).</summary>
    private readonly bool _https;
    private readonly PipeReader _input;
    private readonly PipeWriter _output;
    private readonly RequestHead _head = new();
    private readonly ResponseHead _response = new();
    private readonly HeadBuffer _out = new();
    private readonly IPAddress _local;
    private readonly int _port;
    private readonly string _clientIp;
    private readonly string? _sni;
    /// <summary>The client side's timeout: the next head (keep-alive, then handshake), a stalled body.</summary>
    private readonly Deadline _timeout;
    private byte[] _lastHostBytes = [];
    private string _lastHost = "";
    private string _lastHostname = "";
    private volatile bool _closeRequested;
    private volatile bool _idle;
    private volatile bool _clientClosed;
    private SequencePosition _headStart;
    private bool _expectContinue;

    public Http1Connection(Http1FastPath owner, ConnectionContext connection, ConnectionDelegate next, bool https)
    {
        _owner = owner;
        _connection = connection;
        _next = next;
        _https = https || connection.Features.Get<Connections.ProxyProtocolFeature>()?.ClientSsl == true;
        _timeout = new Deadline(owner.Deadlines);
        _upstreamTimeout = new Deadline(owner.Deadlines);
        if (connection is Listeners.DirectSocketConnection direct)
        {
            // TLS on the socket: no transport read loop sees the client leave while the app is slow to
            // answer, so the sweeper asks the socket once a wait outlasts a sweep.
            _upstreamTimeout.Abandoned = () =>
            {
                if (!direct.PeerClosed()) return false;
                _clientClosed = true;
                return true;
            };
        }
        _input = connection.Transport.Input;
        _output = connection.Transport.Output;
        var local = connection.LocalEndPoint as IPEndPoint;
        _local = local?.Address ?? IPAddress.None;
        _port = local?.Port ?? 0;
        _clientIp = (connection.RemoteEndPoint as IPEndPoint)?.Address.ToString() ?? "";
        _sni = https ? ServerNames.Normalize(connection.Features.Get<ITlsHandshakeFeature>()?.HostName) : null;
    }

    private enum HeadRead
    {
        Complete,
        Closed,
        TimedOut,
        Refused,
    }

    public async Task RunAsync()
    {
        // Inside the try: the finally takes the connection's deadlines off the sweeper whatever happens.
        try
        {
            using var closing = _connection.Features.Get<IConnectionLifetimeNotificationFeature>()?.ConnectionClosedRequested
                .Register(static s => ((Http1Connection)s!).OnCloseRequested(), this);
            // The client's socket ended (FIN or reset): an exchange waiting on the app ends at once and
            // gives back its slot, as Kestrel aborts a request then (RequestAborted) on the YARP path.
            using var gone = _connection.ConnectionClosed.Register(static s => ((Http1Connection)s!).OnClientClosed(), this);
            for (var first = true; ; first = false)
            {
                var (read, end, refusal) = await ReadHeadAsync(first);
                if (read == HeadRead.Refused)
                {
                    await AnswerAsync(refusal!.Status, RequestIds.New(_owner.Options.Region), refusal.Message, "bad_request", close: true, headRequest: false);
                    return;
                }
                if (read != HeadRead.Complete) return;
                var next = await ServeAsync(end);
                if (next == Next.HandOff)
                {
                    await _next(_connection);
                    return;
                }
                if (next == Next.Close) return;
            }
        }
        catch (Exception e) when (e is IOException or ConnectionResetException or ConnectionAbortedException or OperationCanceledException or ObjectDisposedException)
        {
            // The client went away mid-exchange: nothing to answer.
        }
        finally
        {
            _timeout.Dispose();
            _upstreamTimeout.Dispose();
        }
    }

    private void OnClientClosed()
    {
        _clientClosed = true;
        _upstreamTimeout.Expire();
    }

    private void OnCloseRequested()
    {
        _closeRequested = true;
        if (_idle) _input.CancelPendingRead();
    }

    private enum Next
    {
        KeepAlive,
        Close,
        HandOff,
    }

    /// <summary>Waits for a whole request head, within the handshake timeout once it started (and the keep-alive timeout before).</summary>
    [AsyncMethodBuilder(typeof(PooledValueTaskMethodBuilder<>))]
    private async ValueTask<(HeadRead, SequencePosition, Http1Refusal?)> ReadHeadAsync(bool first)
    {
        var o = _owner.Options;
        Arm(first ? o.HandshakeTimeout : _owner.FastPathOptions.KeepAliveTimeout);
        var started = false;
        var slowHead = false;
        _idle = true;
        try
        {
            while (true)
            {
                if (_closeRequested) return (HeadRead.Closed, default, null);
                ReadResult result;
                try
                {
                    result = await _input.ReadAsync(_timeout.Token);
                }
                catch (OperationCanceledException)
                {
                    _owner.Metrics.Error("http_headers_timeout");
                    return (HeadRead.TimedOut, default, null);
                }
                if (result.IsCanceled) return (HeadRead.Closed, default, null);
                var buffer = result.Buffer;
                if (!started && !buffer.IsEmpty)
                {
                    started = true;
                    _idle = false;
                }
                bool complete;
                SequencePosition end;
                try
                {
                    complete = _head.TryParse(buffer, out end);
                }
                catch (BadRequest e)
                {
                    _input.AdvanceTo(buffer.End);
                    return (HeadRead.Refused, default, new Http1Refusal(e.StatusCode, e.Message));
                }
                catch (Http1Refusal e)
                {
                    _input.AdvanceTo(buffer.End);
                    return (HeadRead.Refused, default, e);
                }
                if (complete)
                {
                    _headStart = buffer.Start;
                    // Not consumed yet: ServeAsync consumes it, or hands it to Kestrel unread.
                    Arm(Timeout.InfiniteTimeSpan);
                    return (HeadRead.Complete, end, null);
                }
                if (result.IsCompleted)
                {
                    _input.AdvanceTo(buffer.End);
                    return (HeadRead.Closed, default, null);
                }
                // A head that came whole in one read (the usual case) never needs this timer: it is
                // armed only once a head is known to be arriving in parts.
                if (started && !slowHead)
                {
                    slowHead = true;
                    if (!first) Arm(o.HandshakeTimeout);
                }
                _input.AdvanceTo(buffer.Start, buffer.End);
            }
        }
        finally
        {
            _idle = false;
        }
    }

    private void Arm(TimeSpan timeout) => _timeout.Arm(timeout);

    /// <summary>One request whose head is at the start of the input (ending at <paramref name="end"/>, not yet consumed).</summary>
    [AsyncMethodBuilder(typeof(PooledValueTaskMethodBuilder<>))]
    private async ValueTask<Next> ServeAsync(SequencePosition end)
    {
        var head = _head;
        var o = _owner.Options;
        var metrics = _owner.Metrics;
        var headRequest = head.Method == KestrelMethod.Head;
        // Upgrades (WebSocket) stay Kestrel's and YARP's, request and rest of connection alike.
        if (head.HasUpgrade)
        {
            _input.AdvanceTo(_headStart);
            return Next.HandOff;
        }
        var framing = head.Refusal(out var contentLength, out var chunked);
        var table = _owner.State.Table;
        var acme = (head.Method == KestrelMethod.Get || headRequest) && head.Target.StartsWith(AcmePrefix);
        var asterisk = head.Method == KestrelMethod.Options && head.IsAsterisk;
        PortRoute? route = null;
        var status = 0;
        string? error = null;
        var host = "";
        if (framing is null && head.Method != KestrelMethod.Connect && !asterisk && !acme)
        {
            host = HostString(head.RoutingHost);
            (route, status, error) = HttpRouter.ResolveHostname(table, _local, _port, _lastHostname, _sni);
            if (route?.Port.HttpOptions?.H2Backend == true)
            {
                // The app speaks h2c only: Kestrel and YARP carry this connection from here.
                _input.AdvanceTo(_headStart);
                return Next.HandOff;
            }
        }
        _input.AdvanceTo(end);
        var requestId = RequestIds.New(o.Region);
        if (framing is not null)
        {
            await FailAsync(400, requestId, framing, "bad_framing", close: true, headRequest);
            return Next.Close;
        }
        var hasBody = chunked || contentLength > 0;
        // Whatever the gateway answers itself leaves a body unread: the connection ends with it.
        var closeIfAnswered = hasBody || head.WantsClose;
        _expectContinue = hasBody && head.ExpectsContinue;
        if (head.Method == KestrelMethod.Connect)
        {
            await FailAsync(405, requestId, "CONNECT is not served", "connect_refused", close: true, headRequest, AsteriskOptions.Allow);
            return Next.Close;
        }
        if (asterisk)
        {
            ErrorResponse.ComposeSimple(_out, 200, requestId, null, null, null, AsteriskOptions.Allow, closeIfAnswered, headRequest);
            return await WriteOwnAsync(closeIfAnswered);
        }
        if (acme)
        {
            var key = AcmeHttpChallenge.KeyAuthorization(table.Challenges, PathOf(head.OriginTarget));
            if (key is null)
            {
                metrics.Count("acme.http01_unknown");
                await FailAsync(404, requestId, "no ACME challenge with this token", null, closeIfAnswered, headRequest);
                return closeIfAnswered ? Next.Close : Next.KeepAlive;
            }
            metrics.Count("acme.http01_answered");
            ErrorResponse.ComposeSimple(_out, 200, requestId, "text/plain", key, null, null, closeIfAnswered, headRequest);
            return await WriteOwnAsync(closeIfAnswered);
        }
        if (route is null)
        {
            await FailAsync(status, requestId, error!, status == 421 ? "misdirected" : "no_route", closeIfAnswered, headRequest);
            return closeIfAnswered ? Next.Close : Next.KeepAlive;
        }
        if (route.Port.ForceHttps && !_https && !table.IsPrivate(_local))
        {
            var location = "https://" + HttpRouter.HostWithoutPort(host.Length > 0 ? host : _local.ToString()) + System.Text.Encoding.Latin1.GetString(head.OriginTarget);
            ErrorResponse.ComposeSimple(_out, 301, requestId, null, null, location, null, closeIfAnswered, headRequest);
            return await WriteOwnAsync(closeIfAnswered);
        }
        IReadOnlyList<InstanceRoute> instances = table.InstancesOf(route.AppName);
        var steering = head.HasSteering ? Steering.From(SteeringHeaders(), instances) : Steering.None;
        if (steering.Error is { } steerError)
        {
            await FailAsync(503, requestId, steerError, "steering_unavailable", closeIfAnswered, headRequest);
            return closeIfAnswered ? Next.Close : Next.KeepAlive;
        }
        return await ForwardAsync(route, instances, steering, requestId, host, contentLength, chunked, headRequest);
    }

    private static ReadOnlySpan<byte> AcmePrefix => "/.well-known/acme-challenge/"u8;

    private static string PathOf(ReadOnlySpan<byte> target)
    {
        var q = target.IndexOf((byte)'?');
        return System.Text.Encoding.Latin1.GetString(q < 0 ? target : target[..q]);
    }

    /// <summary>The host string to route on, kept while the connection keeps sending the same one.</summary>
    private string HostString(ReadOnlySpan<byte> bytes)
    {
        // A keep-alive connection sends the same Host on every request: its strings are made once.
        if (bytes.SequenceEqual(_lastHostBytes)) return _lastHost;
        _lastHostBytes = bytes.ToArray();
        _lastHost = System.Text.Encoding.Latin1.GetString(bytes);
        _lastHostname = HttpRouter.HostWithoutPort(_lastHost);
        return _lastHost;
    }

    private Microsoft.AspNetCore.Http.HeaderDictionary SteeringHeaders()
    {
        var headers = new Microsoft.AspNetCore.Http.HeaderDictionary();
        foreach (var name in new[] { PlatformHeaders.PreferRegion, PlatformHeaders.ForceRegion, PlatformHeaders.PreferInstance, PlatformHeaders.ForceInstance })
        {
            if (_head.JoinedValue(HeaderKind.Steering, System.Text.Encoding.ASCII.GetBytes(name)) is { } value) headers[name] = value;
        }
        return headers;
    }

    private async ValueTask<Next> WriteOwnAsync(bool close)
    {
        _output.Write(_out.Span);
        var flush = await _output.FlushAsync();
        return close || flush.IsCompleted ? Next.Close : Next.KeepAlive;
    }

    /// <summary>An error answer in HttpErrors' format, counted under <paramref name="reason"/> and logged as the middleware does.</summary>
    private async ValueTask FailAsync(int status, string requestId, string message, string? reason, bool close, bool headRequest, string? allow = null)
    {
        if (reason is not null) _owner.Metrics.Error(reason);
        _owner.LogFailed(requestId, status, message);
        ErrorResponse.Compose(_out, status, requestId, message, close, allow, headRequest);
        _output.Write(_out.Span);
        await _output.FlushAsync();
    }

    /// <summary>
    /// A head refused before it was a request (Kestrel's parser verdicts, too large a head): counted,
    /// not logged, as Kestrel does not log them either (HTTPS sent to a cleartext port lands here).
    /// </summary>
    private async ValueTask AnswerAsync(int status, string requestId, string message, string reason, bool close, bool headRequest)
    {
        _owner.Metrics.Error(reason);
        ErrorResponse.Compose(_out, status, requestId, message, close, null, headRequest);
        _output.Write(_out.Span);
        await _output.FlushAsync();
    }
}
