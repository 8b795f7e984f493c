using Mesh.Acme;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Server.Kestrel.Core.Features;

namespace Mesh.Gateway.Acme;

/// <summary>
/// Right after the TLS stage: a connection that negotiated ALPN <c>acme-tls/1</c> was a CA's
/// TLS-ALPN-01 validation and ends with its handshake (RFC 8737 §3); it never reaches an app.
/// </summary>
public static class AcmeHandshakeOnly
{
    private static readonly byte[] Protocol = System.Text.Encoding.ASCII.GetBytes(AcmeChallengeType.AlpnProtocol);

    public static Func<ConnectionDelegate, ConnectionDelegate> Middleware => next => connection =>
    {
        var alpn = connection.Features.Get<ITlsApplicationProtocolFeature>()?.ApplicationProtocol ?? default;
        return alpn.Span.SequenceEqual(Protocol) ? Task.CompletedTask : next(connection);
    };
}
