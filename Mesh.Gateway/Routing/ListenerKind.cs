using Mesh.Interfaces.Config;

namespace Mesh.Gateway.Routing;

/// <summary>The pipeline a port's connections go through, from its handlers.</summary>
public enum ListenerKind
{
    /// <summary>No TLS at the edge: raw pass-through (optionally with a PROXY header).</summary>
    Tcp,
    /// <summary><c>tls</c>: terminate TLS, then pass the plaintext through.</summary>
    Tls,
    /// <summary><c>pg_tls</c>: answer the Postgres SSLRequest, terminate TLS, pass the plaintext through.</summary>
    PgTls,
    /// <summary><c>http</c> on a cleartext port: HTTP/1.x and h2c from clients, forwarded by YARP.</summary>
    Http,
    /// <summary><c>tls</c> + <c>http</c>: TLS with ALPN h2/http1.1, then the HTTP stack.</summary>
    Https,
}

public static class ListenerKinds
{
    /// <summary>The kind a port's handlers ask for.</summary>
    public static ListenerKind Of(PortConfig port) =>
        port.Has(Handlers.PgTls) ? ListenerKind.PgTls
        : port.Has(Handlers.Http) ? (port.Has(Handlers.Tls) ? ListenerKind.Https : ListenerKind.Http)
        : port.Has(Handlers.Tls) ? ListenerKind.Tls
        : ListenerKind.Tcp;

    public static bool IsHttp(this ListenerKind kind) => kind is ListenerKind.Http or ListenerKind.Https;
}
