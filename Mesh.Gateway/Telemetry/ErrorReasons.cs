using Mesh.Gateway.Routing;

namespace Mesh.Gateway.Telemetry;

/// <summary>The reason labels of <c>mesh_gateway_connection_errors</c>, in one place.</summary>
public static class ErrorReasons
{
    public const string TlsHandshake = "tls_handshake";
    public const string UnknownServerName = "unknown_sni";
    public const string PostgresPreamble = "pg_preamble";
    public const string PostgresPlaintext = "pg_plaintext";
    public const string HandshakeTimeout = "handshake_timeout";
    public const string IdleTimeout = "idle_timeout";
    public const string Bind = "bind";

    public static string Of(RouteFailure failure) => failure switch
    {
        RouteFailure.NoRoute => "no_route",
        RouteFailure.UnknownServerName => UnknownServerName,
        RouteFailure.NoHealthyInstance => "no_healthy_instance",
        RouteFailure.Overloaded => "overloaded",
        RouteFailure.ConnectFailed => "connect_failed",
        RouteFailure.AppConnectionLimit => "app_connection_limit",
        _ => "none",
    };
}
