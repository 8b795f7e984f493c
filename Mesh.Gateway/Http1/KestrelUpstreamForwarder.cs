using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using Mesh.Gateway.Async;
using Mesh.Gateway.Hosting;
using Mesh.Gateway.Http;
using Mesh.Gateway.Routing;
using Mesh.Interfaces.Model;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Yarp.ReverseProxy.Forwarder;

namespace Mesh.Gateway.Http1;

/// <summary>
/// Forwards requests that Kestrel's HTTP layer serves (h2 and h2c clients; HTTP/1.x ones with the
/// fast path off) to HTTP/1.1 apps over the fast path's pooled upstream connections, instead of
/// YARP and SocketsHttpHandler (a second HTTP client stack per request). YARP keeps what this does
/// not carry: <c>h2_backend</c> apps, upgrades and extended CONNECT (WebSocket, also over h2).
/// </summary>
public sealed partial class KestrelUpstreamForwarder(
    UpstreamPool pool,
    IOptions<GatewayOptions> options,
    IOptions<KestrelUpstreamOptions> own,
    Connections.DeadlineSweeper deadlines,
    ILogger<KestrelUpstreamForwarder> logger)
{
    private const int MaxPooledExchanges = 256;
    private readonly ConcurrentQueue<KestrelExchange> _exchanges = new();
    private int _pooled;

    internal UpstreamPool Pool => pool;

    internal GatewayOptions Options => options.Value;

    internal Connections.DeadlineSweeper Deadlines => deadlines;

    /// <summary>Whether this request goes through <see cref="SendAsync"/> rather than YARP.</summary>
    public bool Handles(HttpContext context, PortRoute route) =>
        own.Value.KestrelUpstream
        && route.Port.HttpOptions?.H2Backend != true
        && context.Features.Get<IHttpUpgradeFeature>()?.IsUpgradableRequest != true
        && context.Features.Get<IHttpExtendedConnectFeature>()?.IsExtendedConnect != true
        && !HttpMethods.IsConnect(context.Request.Method);

    /// <summary>
    /// One exchange with <paramref name="instance"/>, reported as YARP's forwarder reports it: the
    /// error, with an <see cref="IForwarderErrorFeature"/> carrying the exception it would have seen.
    /// A <c>fly-replay</c> answer sets <see cref="ProxiedRequest.Replay"/> and returns <see cref="ForwarderError.None"/>.
    /// </summary>
    [AsyncMethodBuilder(typeof(PooledValueTaskMethodBuilder<>))]
    public async ValueTask<ForwarderError> SendAsync(HttpContext context, InstanceRoute instance, ProxiedRequest info)
    {
        if (InstanceEndpoints.Cached(instance, info.Route.App, info.Route.Service) is not { } endpoint)
        {
            var error = ForwarderError.Request;
            context.Features.Set<IForwarderErrorFeature>(new ForwarderFailure(error,
                new HttpRequestException(HttpRequestError.ConnectionError, $"instance {instance.Id} has no address to dial")));
            return error;
        }
        var exchange = _exchanges.TryDequeue(out var pooled) ? pooled : new KestrelExchange(this);
        if (pooled is not null) Interlocked.Decrement(ref _pooled);
        try
        {
            return await exchange.RunAsync(context, endpoint, info);
        }
        finally
        {
            if (Interlocked.Increment(ref _pooled) <= MaxPooledExchanges) _exchanges.Enqueue(exchange);
            else
            {
                Interlocked.Decrement(ref _pooled);
                exchange.Dispose();
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "{RequestId}: invalid response from {App}: {Error}")]
    internal partial void LogBadResponse(string requestId, string app, string? error);
}
