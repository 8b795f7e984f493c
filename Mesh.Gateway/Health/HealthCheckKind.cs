namespace Mesh.Gateway.Health;

/// <summary>Which fly.toml list a check comes from: <c>tcp_checks</c> or <c>http_checks</c>.</summary>
public enum HealthCheckKind
{
    Tcp,
    Http,
}
