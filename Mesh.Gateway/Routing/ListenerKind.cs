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
}

public static class ListenerKinds
{
    /// <summary>
    /// The kind a port's handlers ask for. The <c>http</c> handler is served as pass-through of
    /// the client's bytes (after TLS when listed with <c>tls</c>) until the HTTP stack lands.
    /// </summary>
    public static ListenerKind Of(PortConfig port) =>
        port.Has(Handlers.PgTls) ? ListenerKind.PgTls
        : port.Has(Handlers.Tls) ? ListenerKind.Tls
        : ListenerKind.Tcp;
}
