using System.Diagnostics;
using System.Net;
using Mesh.Gateway.Acme;
using Mesh.Gateway.Connections;
using Mesh.Gateway.Hosting;
using Mesh.Gateway.Listeners;
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
/// The <c>http</c> handler: ACME http-01 answers → route → force_https → steer (Fly-Prefer/Force-Region/Instance-Id) →
/// pick → forward with YARP's pooled <see cref="IHttpForwarder"/> (HTTP/1.1 to the app, or h2c
/// with <c>h2_backend</c>) → account. Kestrel speaks HTTP/1.0, 1.1 and 2 to clients.
/// </summary>
public sealed partial class HttpProxyMiddleware(
    RequestDelegate next,
    GatewayState state,
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
        var items = context.Features.Get<IConnectionItemsFeature>()?.Items;
        if (items is null || !items.TryGetValue(ListenerManager.KindItem, out var kindObject) || kindObject is not ListenerKind kind || !kind.IsHttp())
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
            await Fail(context, StatusCodes.Status400BadRequest, requestId, framing, "bad_framing", close: true);
            return;
        }
        if (HttpMethods.IsConnect(context.Request.Method) && context.Features.Get<IHttpExtendedConnectFeature>()?.IsExtendedConnect != true)
        {
            // A gateway is no tunnel to arbitrary hosts; extended CONNECT (WebSocket over h2) is
            // forwarded. The client may already be sending tunnel bytes: the connection ends here.
            await Fail(context, StatusCodes.Status405MethodNotAllowed, requestId, "CONNECT is not served", "connect_refused", close: true, allow: AsteriskOptions.Allow);
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
            await Fail(context, status, requestId, error!, status == 421 ? "misdirected" : "no_route");
            return;
        }
        var https = kind == ListenerKind.Https;
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
            await Fail(context, StatusCodes.Status503ServiceUnavailable, requestId, steerError, "steering_unavailable");
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
        context.Items[ProxiedRequest.ItemKey] = info;

        var loads = state.Loads;
        var hops = 0;
        for (var attempt = 1; ; attempt++)
        {
            var servicePort = route.Service.InternalPort;
            var now = time.GetUtcNow().UtcTicks;
            var candidates = state.Candidates(route, steering.Filter(instances), o.Region, now, steering.Regions);
            if (steering.PreferredInstance is { } preferred) candidates.Sort((a, b) => (b.Id == preferred).CompareTo(a.Id == preferred));
            var (instance, load) = Acquire(candidates, servicePort, route.Service.Concurrency.HardLimit);
            if (instance is null || load is null)
            {
                // The picker leaves out instances at their hard limit: no candidate while healthy
                // instances exist means the limit is full, which is not "no healthy instance".
                var full = candidates.Count > 0 || (route.Service.Concurrency.HardLimit is not null
                    && steering.Filter(instances).Any(i => i.IsRoutable && !loads.For(i.Id, servicePort).IsEjected(now)));
                await Fail(context, StatusCodes.Status503ServiceUnavailable, requestId,
                    full ? $"every instance of {route.AppName} is at its hard limit" : $"no healthy instance of {route.AppName}",
                    ErrorReasons.Of(full ? RouteFailure.Overloaded : RouteFailure.NoHealthyInstance));
                return;
            }
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
                loads.Release(load);
            }
            if (result == ForwarderError.None && info.Replay is { } replay)
            {
                if (++hops > ReplayDirective.MaxHops)
                {
                    await Fail(context, StatusCodes.Status502BadGateway, requestId, $"replayed more than {ReplayDirective.MaxHops} times", "replay_limit");
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
                        await Fail(context, StatusCodes.Status502BadGateway, requestId, $"replay to app {otherApp}, which does not serve port {port}",
                            target is null ? ErrorReasons.ReplayNoRoute : ErrorReasons.ReplayRefused);
                        return;
                    }
                    route = target!;
                    instances = table.InstancesOf(otherApp);
                }
                steering = Steering.ForReplay(replay, instance.Id);
                var source = $"instance={instance.Id};region={instance.Region};t={time.GetUtcNow().ToUnixTimeMilliseconds() * 1000}" + (replay.State is { } st ? $";state={st}" : "");
                info = info with { Route = route, Replay = null, ReplaySource = source, Replayable = true };
                context.Items[ProxiedRequest.ItemKey] = info;
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
                load.Eject(now + o.EjectionTime.Ticks);
                metrics.Error("upstream_connect_refused");
                if (!context.Response.HasStarted && !hasBody && attempt < MaxAttempts)
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

    private (InstanceRoute? Instance, InstanceLoad? Load) Acquire(List<InstanceRoute> candidates, int port, int? hardLimit)
    {
        foreach (var candidate in candidates)
        {
            var load = state.Loads.For(candidate.Id, port);
            if (load.TryAcquire(hardLimit)) return (candidate, load);
        }
        return (null, null);
    }

    private Task MapForwarderError(HttpContext context, ForwarderError error, string requestId, string app, Exception? exception)
    {
        var clientFault = ClientBodyStatus(error, exception);
        var (status, reason, message) = error switch
        {
            ForwarderError.RequestCanceled or ForwarderError.RequestBodyCanceled or ForwarderError.ResponseBodyCanceled when clientFault is null
                => (499, "client_closed", "the client went away"),
            // The client's body broke off: a stall past Kestrel's minimum data rate (408, RFC 9110
            // §15.5.9), bad chunked framing (400), too large (413). The client's fault, not the
            // app's; the app's half-sent request is aborted.
            // The forwarder reports it as a request or body error depending on when it struck.
            _ when clientFault is { } bodyStatus =>
                (bodyStatus, bodyStatus == 408 ? "client_body_timeout" : "client_bad_body", bodyStatus == 408 ? "the request body did not arrive in time" : "the request body is malformed"),
            ForwarderError.RequestTimedOut => (504, "upstream_timeout", $"{app} did not answer in time"),
            ForwarderError.Request when IsConnectFailure(exception) => (502, "connect_failed", $"could not connect to an instance of {app}"),
            _ => (502, "bad_upstream_response", $"{app} sent no valid response"),
        };
        if (status == 499)
        {
            metrics.Error(reason);
            return Task.CompletedTask;
        }
        // After a broken body the rest of the connection cannot be framed: it ends with the answer.
        return Fail(context, status, requestId, message, reason, close: clientFault is not null);
    }

    private async Task Fail(HttpContext context, int status, string requestId, string message, string reason, bool close = false, string? allow = null)
    {
        metrics.Error(reason);
        LogFailed(requestId, status, message);
        await HttpErrors.WriteAsync(context, status, requestId, message, close, allow);
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
