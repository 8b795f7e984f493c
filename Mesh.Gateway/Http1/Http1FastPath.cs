using Mesh.Gateway.Hosting;
using Mesh.Gateway.Routing;
using Mesh.Gateway.Telemetry;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Server.Kestrel.Core.Features;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Mesh.Gateway.Http1;

/// <summary>
/// The last stage of the http and https listeners: an HTTP/1.x connection (cleartext without the
/// h2c preface, or TLS whose ALPN is not h2) is served here to its end by <see cref="Http1Connection"/>
/// on Kestrel's transport pipes; h2 and h2c go on to Kestrel's HTTP layer (through
/// <see cref="Http.CoalescedOutput"/> unless <c>CoalesceH2Output</c> is off). With
/// <c>Mesh:Gateway:Http:FastPath=false</c> every connection goes on, as before.
/// </summary>
public sealed partial class Http1FastPath(
    GatewayState state,
    GatewayMetrics metrics,
    UpstreamPool pool,
    Forwarding.UpstreamSelector selector,
    IOptions<GatewayOptions> options,
    IOptions<FastPathOptions> fastPath,
    TimeProvider time,
    Connections.DeadlineSweeper deadlines,
    ILogger<Http1FastPath> logger)
{
    private static ReadOnlySpan<byte> H2 => "h2"u8;

    internal GatewayState State => state;

    internal GatewayMetrics Metrics => metrics;

    internal UpstreamPool Pool => pool;

    internal Forwarding.UpstreamSelector Selector => selector;

    internal GatewayOptions Options => options.Value;

    internal FastPathOptions FastPathOptions => fastPath.Value;

    internal TimeProvider Time => time;

    internal Connections.DeadlineSweeper Deadlines => deadlines;

    public Func<ConnectionDelegate, ConnectionDelegate> Middleware(bool https) => next => connection =>
    {
        var alpn = connection.Features.Get<ITlsApplicationProtocolFeature>()?.ApplicationProtocol ?? default;
        if (alpn.Span.SequenceEqual(H2)) return fastPath.Value.CoalesceH2Output ? Http.CoalescedOutput.RunAsync(connection, next) : next(connection);
        if (!fastPath.Value.FastPath) return next(connection);
        return Pipeline.CleanExecutionContext.Run(static c => c.RunAsync(), new Http1Connection(this, connection, next, https));
    };

    [LoggerMessage(Level = LogLevel.Information, Message = "{RequestId}: {Status} {Message}")]
    internal partial void LogFailed(string requestId, int status, string message);

    [LoggerMessage(Level = LogLevel.Debug, Message = "{RequestId}: invalid response from {App}: {Error}")]
    internal partial void LogBadResponse(string requestId, string app, string? error);
}
