namespace Mesh.Gateway.Telemetry;

/// <summary>
/// The reason labels of <c>mesh_gateway_connection_errors</c> for failures outside forwarding
/// (handshakes, accept, binding, table building); those of a connection or request that is being
/// forwarded are <see cref="Forwarding.ProxyErrors"/>'.
/// </summary>
public static class ErrorReasons
{
    public const string TlsHandshake = "tls_handshake";
    public const string UnknownServerName = "unknown_sni";
    public const string PostgresPreamble = "pg_preamble";
    public const string PostgresPlaintext = "pg_plaintext";
    public const string HandshakeTimeout = "handshake_timeout";
    public const string IdleTimeout = "idle_timeout";
    public const string Bind = "bind";
    /// <summary>A connection past <c>MaxConnections</c>: closed at accept.</summary>
    public const string MaxConnections = "max_connections";
    /// <summary>accept() failed for want of file descriptors (EMFILE/ENFILE): the loop backs off.</summary>
    public const string AcceptDescriptors = "accept_out_of_descriptors";
    /// <summary>A connection that did not start with a valid PROXY header while <c>AcceptProxyProtocol</c> is on.</summary>
    public const string ProxyHeaderInvalid = "proxy_header_invalid";
    /// <summary>A connection from outside <c>TrustedProxies</c> while <c>AcceptProxyProtocol</c> is on: closed unread.</summary>
    public const string ProxyUntrusted = "proxy_untrusted_source";
    /// <summary>A <c>fly-replay: app=</c> naming an app that does not serve the port.</summary>
    public const string ReplayNoRoute = "replay_no_route";
    /// <summary>A <c>fly-replay: app=</c> naming another org's app: refused, answered as <see cref="ReplayNoRoute"/>.</summary>
    public const string ReplayRefused = "replay_refused";
    /// <summary>An instance whose address the instance-address policy refuses: left out of the table, never dialled.</summary>
    public const string InstanceAddressRefused = "instance_address_refused";
    /// <summary>A connection to a Flycast address from outside its org's private network: closed unread.</summary>
    public const string FlycastSourceRefused = "flycast_source_refused";
}
