using Mesh.Gateway.Telemetry;
using Microsoft.AspNetCore.Connections;

namespace Mesh.Gateway.Connections;

/// <summary>
/// Counts connections whose TLS handshake failed (garbage, a truncated or slow client, an
/// unknown SNI): Kestrel's TLS stage closes them without calling the next stage, so
/// <see cref="Middleware"/> sits before it and <see cref="MarkHandshook"/> right after it, and a
/// connection that never got past is a failure. The same on <c>tls</c> and <c>tls</c>+<c>http</c> ports.
/// </summary>
public static class TlsFailureCounter
{
    public static Func<ConnectionDelegate, ConnectionDelegate> Middleware(ConnectionFailures failures) => next => async connection =>
    {
        await next(connection);
        if (connection.Features.Get<Handshook>() is null)
        {
            failures.Fail(ErrorReasons.TlsHandshake, $"TLS handshake from {connection.RemoteEndPoint} did not complete");
        }
    };

    /// <summary>Runs only once the TLS stage has completed the handshake.</summary>
    public static Func<ConnectionDelegate, ConnectionDelegate> MarkHandshook => next => connection =>
    {
        connection.Features.Set(Handshook.Instance);
        return next(connection);
    };

    /// <summary>The mark of a connection whose handshake completed: a feature, present or not.</summary>
    private sealed class Handshook
    {
        public static readonly Handshook Instance = new();
    }
}
