using Mesh.Gateway.Telemetry;
using Microsoft.AspNetCore.Connections;

namespace Mesh.Gateway.Connections;

/// <summary>
/// Counts connections whose TLS handshake failed (garbage, a slow or half-open client, an
/// unknown SNI): Kestrel's TLS stage closes them without reaching the handler, so this stage
/// sits before it and looks at whether a handshake completed.
/// </summary>
public static class TlsFailureCounter
{
    /// <summary>Set by the handler: a connection that never got there failed before it, in the TLS stage.</summary>
    public const string ReachedHandler = "mesh.reached-handler";

    /// <param name="countWhenHttp">
    /// On HTTP ports the HTTP stack, not our handler, follows TLS: a completed handshake is seen
    /// as the TLS feature reporting a negotiated protocol.
    /// </param>
    public static Func<ConnectionDelegate, ConnectionDelegate> Middleware(GatewayMetrics metrics, bool countWhenHttp = false) => next => async connection =>
    {
        await next(connection);
        var handshook = countWhenHttp
            ? connection.Features.Get<Microsoft.AspNetCore.Connections.Features.ITlsHandshakeFeature>()?.Protocol is { } p && p != System.Security.Authentication.SslProtocols.None
            : connection.Items.ContainsKey(ReachedHandler);
        if (!handshook)
        {
            metrics.Error(ErrorReasons.TlsHandshake);
        }
    };
}
