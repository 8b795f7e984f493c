namespace Mesh.Interfaces.Config;

/// <summary>The connection handlers a port may list (fly.toml <c>handlers</c>).</summary>
public static class Handlers
{
    public const string Http = "http";
    public const string Tls = "tls";
    public const string PgTls = "pg_tls";
    public const string ProxyProto = "proxy_proto";

    public static IReadOnlyList<string> All { get; } = [Http, Tls, PgTls, ProxyProto];

    public static bool IsKnown(string handler) => All.Contains(handler);
}
