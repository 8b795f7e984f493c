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

    public static Func<ConnectionDelegate, ConnectionDelegate> Middleware(GatewayMetrics metrics) => next => async connection =>
    {
        await next(connection);
        if (!connection.Items.ContainsKey(ReachedHandler))
        {
            metrics.Error(ErrorReasons.TlsHandshake);
        }
    };
}
