using System.Diagnostics;
using System.Net;
using Mesh.Gateway.Acme;
using Mesh.Gateway.Connections;
using Mesh.Gateway.Forwarding;
using Mesh.Gateway.Hosting;
using Mesh.Gateway.Pipeline;
using Mesh.Gateway.Routing;
using Mesh.Gateway.Telemetry;
using Mesh.Interfaces.Model;
using Microsoft.AspNetCore.Connections.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Yarp.ReverseProxy.Forwarder;

namespace Mesh.Gateway.Http;

/// <summary>
/// The <c>http</c> handler: ACME http-01 answers → route (per request: the Host decides) → force_https →
/// steer (Fly-Prefer/Force-Region/Instance-Id) → pick (<see cref="UpstreamSelector"/>: limits, the bounded
/// queue, the app's cap; the next instance after a refused connect) → forward with YARP's pooled <see cref="IHttpForwarder"/> (HTTP/1.1 to the app, or h2c
/// with <c>h2_backend</c>) → account. Kestrel speaks HTTP/1.0, 1.1 and 2 to clients.
/// </summary>
public sealed partial class HttpProxyMiddleware(
    RequestDelegate next,
    GatewayState state,
    UpstreamSelector selector,
    IHttpForwarder forwarder,
    UpstreamHttpClient upstream,
    Mesh.Gateway.Http1.KestrelUpstreamForwarder kestrelUpstream,
    GatewayMetrics metrics,
    IOptions<GatewayOptions> options,
    TimeProvider time,
    ILogger<HttpProxyMiddleware> logger)
{
    private const int MaxAttempts = 3;

    public async Task InvokeAsync(HttpContext context)
    {
        // Connection features show through the request's (the admin endpoint has no listener feature).
        if (context.Features.Get<IListenerFeature>() is not { Kind: var kind } || !kind.IsHttp())
        {
            await next(context);
            return;
        }
        var o = options.Value;
        var requestId = RequestIds.New(o.Region);
        var local = context.Connection.LocalIpAddress ?? IPAddress.None;
        var port = context.Connection.LocalPort;
        var sni = ServerNames.Normalize(context.Features.Get<ITlsHandshakeFeature>()?.HostName);
        if (RequestFraming.Refusal(context.Request.Protocol, context.Request.Headers) is { } framing)
        {
            await Fail(context, ProxyError.BadFraming, requestId, framing, close: true);
            return;
        }
        if (HttpMethods.IsConnect(context.Request.Method) && context.Features.Get<IHttpExtendedConnectFeature>()?.IsExtendedConnect != true)
        {
            // A gateway is no tunnel to arbitrary hosts; extended CONNECT (WebSocket over h2) is
            // forwarded. The client may already be sending tunnel bytes: the connection ends here.
            await Fail(context, ProxyError.ConnectMethodRefused, requestId, "CONNECT is not served", close: true, allow: AsteriskOptions.Allow);
            return;
        }
        if (AsteriskOptions.Matches(context))
        {
            AsteriskOptions.Answer(context, requestId);
            return;
        }
        var table = state.Table;
        if (AcmeHttpChallenge.Matches(context.Request))
        {
            await AcmeHttpChallenge.AnswerAsync(context, table.Challenges, requestId, metrics);
            return;
        }
        var (route, status, error) = HttpRouter.Resolve(table, local, port, context.Request.Host.Value ?? "", kind == ListenerKind.Https ? sni : null);
        if (route is null)
        {
            await Fail(context, status == StatusCodes.Status421MisdirectedRequest ? ProxyError.Misdirected : ProxyError.NoRoute, requestId, error!);
            return;
        }
        // TLS ended here, or by the balancer in front (its PROXY v2 SSL TLV says so).
        var https = kind == ListenerKind.Https || context.Features.Get<ProxyProtocolFeature>()?.ClientSsl == true;
        // Flycast is plain HTTP inside the private network (no certificate names APP.flycast), so
        // force_https does not apply there, as on the mirrored platform.
        if (route.Port.ForceHttps && !https && !table.IsPrivate(local))
        {
            var location = $"https://{HttpRouter.HostWithoutPort(context.Request.Host.Value ?? local.ToString())}{context.Request.PathBase}{context.Request.Path}{context.Request.QueryString}";
            context.Response.StatusCode = StatusCodes.Status301MovedPermanently;
            context.Response.Headers.Location = location;
            context.Response.Headers[PlatformHeaders.RequestId] = requestId;
            return;
        }

        IReadOnlyList<InstanceRoute> instances = table.InstancesOf(route.AppName);
        var steering = Steering.From(context.Request.Headers, instances);
        if (steering.Error is { } steerError)
        {
            await Fail(context, ProxyError.SteeringUnavailable, requestId, steerError);
            return;
        }
        var hasBody = context.Request.ContentLength > 0 || context.Request.Headers.TransferEncoding.Count > 0;
        // A request can be replayed only if its body can be sent again: small bodies are buffered.
        var replayable = !hasBody || context.Request.ContentLength <= ReplayDirective.MaxBodyBytes;
        if (hasBody && replayable) context.Request.EnableBuffering(64 * 1024, ReplayDirective.MaxBodyBytes);
        var info = new ProxiedRequest(route, requestId, o.Region, context.Connection.RemoteIpAddress?.ToString() ?? "", https, port,
            time.GetUtcNow().ToUnixTimeMilliseconds() * 1000, steering.PreferredInstanceUnavailable)
        {
            Replayable = replayable,
            HopHeaders = context.Request.Headers.Connection.Count == 0 ? [] : [.. ConnectionOptions.Named(context.Request.Headers.Connection)],
        };
        context.Features.Set(info);

        var hops = 0;
        var request = Request(route, instances, steering);
        for (var attempt = 1; ; attempt++)
        {
            InstanceLease lease;
            try
            {
                lease = await selector.AcquireAsync(request, context.RequestAborted);
            }
            catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
            {
                // Gone while waiting in the queue at the hard limit.
                metrics.Error(ProxyError.ClientClosed);
                return;
            }
            if (!lease.Acquired)
            {
                await Fail(context, lease.Error, requestId, lease.Error switch
                {
                    ProxyError.Overloaded => $"every instance of {route.AppName} is at its hard limit",
                    ProxyError.ConnectFailed => $"could not connect to an instance of {route.AppName}",
                    ProxyError.AppConnectionLimit => $"{route.AppName} has as many requests in flight on this gateway as it may",
                    _ => $"no healthy instance of {route.AppName}",
                });
                return;
            }
            var instance = lease.Instance!;
            var destination = DestinationPrefixes.For(instance, route.App, route.Service)!;
            var h2 = route.Port.HttpOptions?.H2Backend == true;
            ForwarderError result;
            try
            {
                var started = Stopwatch.GetTimestamp();
                // HTTP/1.1 apps: our own client over the fast path's pooled connections; YARP for h2c apps and upgrades.
                result = kestrelUpstream.Handles(context, route)
                    ? await kestrelUpstream.SendAsync(context, instance, info)
                    : await forwarder.SendAsync(context, destination, upstream.Invoker, upstream.Config(h2), PlatformTransformer.Instance);
                if (result == ForwarderError.None) metrics.Proxied(route.AppName, Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            }
            finally
            {
                lease.Dispose();
            }
            if (result == ForwarderError.None && info.Replay is { } replay)
            {
                if (++hops > ReplayDirective.MaxHops)
                {
                    await Fail(context, ProxyError.ReplayLimit, requestId, $"replayed more than {ReplayDirective.MaxHops} times");
                    return;
                }
                if (replay.App is { } otherApp && otherApp != route.AppName)
                {
                    var target = table.RouteFor(otherApp, port);
                    // Only within the replying app's org, as on the mirrored platform; another
                    // org's app gets the answer a missing app gets, so its existence never leaks.
                    var sameOrg = target is not null && target.App.Org == route.App.Org;
                    if (!sameOrg)
                    {
                        await Fail(context, target is null ? ProxyError.ReplayNoRoute : ProxyError.ReplayRefused, requestId, $"replay to app {otherApp}, which does not serve port {port}");
                        return;
                    }
                    route = target!;
                    instances = table.InstancesOf(otherApp);
                }
                steering = Steering.ForReplay(replay, instance.Id);
                var source = $"instance={instance.Id};region={instance.Region};t={time.GetUtcNow().ToUnixTimeMilliseconds() * 1000}" + (replay.State is { } st ? $";state={st}" : "");
                info = info with { Route = route, Replay = null, ReplaySource = source, Replayable = true };
                context.Features.Set(info);
                request = Request(route, instances, steering);
                metrics.Count("replayed");
                if (hasBody) context.Request.Body.Position = 0;
                attempt = 0;
                continue;
            }
            if (result == ForwarderError.None) return;
            var failure = context.GetForwarderErrorFeature()?.Exception;
            var connectFailed = result == ForwarderError.Request && IsConnectFailure(failure);
            if (connectFailed)
            {
                lease.Eject();
                metrics.Error(ProxyError.UpstreamConnectRefused);
                if (ProxyError.UpstreamConnectRefused.IsRetryable() && !context.Response.HasStarted && !hasBody && attempt < MaxAttempts)
                {
                    // Nothing reached the instance: another one may take the request.
                    context.Response.Clear();
                    continue;
                }
            }
            await MapForwarderError(context, result, requestId, route.AppName, failure);
            return;
        }
    }

    /// <summary>
    /// What the selector is asked for this request: the app's instances narrowed by steering; the
    /// app's cap counts requests in flight (the client's connection is not the app's: no per-client cap).
    /// </summary>
    private static UpstreamRequest Request(PortRoute route, IReadOnlyList<InstanceRoute> instances, Steering steering) =>
        new(route, steering.Filter(instances)) { PreferredRegions = steering.Regions, PreferredInstance = steering.PreferredInstance };

    private Task MapForwarderError(HttpContext context, ForwarderError error, string requestId, string app, Exception? exception)
    {
        var clientFault = ClientBodyStatus(error, exception);
        var (proxyError, status, message) = error switch
        {
            ForwarderError.RequestCanceled or ForwarderError.RequestBodyCanceled or ForwarderError.ResponseBodyCanceled when clientFault is null
                => (ProxyError.ClientClosed, 499, "the client went away"),
            // The client's body broke off: a stall past Kestrel's minimum data rate (408, RFC 9110
            // §15.5.9), bad chunked framing (400), too large (413). The client's fault, not the
            // app's; the app's half-sent request is aborted.
            // The forwarder reports it as a request or body error depending on when it struck.
            _ when clientFault is { } bodyStatus =>
                (bodyStatus == 408 ? ProxyError.ClientBodyTimeout : ProxyError.ClientBadBody, bodyStatus, bodyStatus == 408 ? "the request body did not arrive in time" : "the request body is malformed"),
            ForwarderError.RequestTimedOut => (ProxyError.UpstreamTimeout, 504, $"{app} did not answer in time"),
            ForwarderError.Request when IsConnectFailure(exception) => (ProxyError.ConnectFailed, 502, $"could not connect to an instance of {app}"),
            _ => (ProxyError.BadUpstreamResponse, 502, $"{app} sent no valid response"),
        };
        if (proxyError == ProxyError.ClientClosed)
        {
            metrics.Error(proxyError);
            return Task.CompletedTask;
        }
        // After a broken body the rest of the connection cannot be framed: it ends with the answer.
        return Fail(context, proxyError, requestId, message, close: clientFault is not null, status: status);
    }

    /// <summary>Counts, logs and answers one failure: its label and status from <see cref="ProxyErrors"/>, unless the client's body error names its own status.</summary>
    private async Task Fail(HttpContext context, ProxyError error, string requestId, string message, bool close = false, string? allow = null, int? status = null)
    {
        var code = status ?? error.HttpStatus();
        metrics.Error(error);
        LogFailed(requestId, code, message);
        await HttpErrors.WriteAsync(context, code, requestId, message, close, allow);
    }

    /// <summary>
    /// The instance could not be reached at all (refused, unreachable, connect timeout): nothing
    /// was sent, so another instance may take the request. A connection that dies after the
    /// request went out is not one: that request fails, as the client's connection would.
    /// </summary>
    private static bool IsConnectFailure(Exception? e)
    {
        for (; e is not null; e = e.InnerException)
        {
            if (e is HttpRequestException { HttpRequestError: HttpRequestError.ConnectionError }) return true;
        }
        return false;
    }

    /// <summary>The status for a request whose body the client broke, or null when the client is not at fault.</summary>
    private static int? ClientBodyStatus(ForwarderError error, Exception? exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            if (e is BadHttpRequestException bad) return bad.StatusCode;
            if (e is AggregateException { InnerExceptions: var all } && all.Select(i => ClientBodyStatus(ForwarderError.None, i)).FirstOrDefault(s => s is not null) is { } inner) return inner;
        }
        // Kestrel reports some framing errors (an overflowing chunk size) as a plain IOException.
        return error == ForwarderError.RequestBodyClient ? StatusCodes.Status400BadRequest : null;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "{RequestId}: {Status} {Message}")]
    private partial void LogFailed(string requestId, int status, string message);
}
