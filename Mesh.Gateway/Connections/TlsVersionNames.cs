using System.Security.Authentication;

namespace Mesh.Gateway.Connections;

/// <summary>TLS versions by the names OpenSSL (and so HAProxy's PP2_SUBTYPE_SSL_VERSION) gives them.</summary>
public static class TlsVersionNames
{
    public static string? Of(SslProtocols protocol) => protocol switch
    {
        SslProtocols.Tls13 => "TLSv1.3",
        SslProtocols.Tls12 => "TLSv1.2",
        _ => null,
    };
}
