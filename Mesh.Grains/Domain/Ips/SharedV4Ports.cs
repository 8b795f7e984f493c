using Mesh.Interfaces.Config;

namespace Mesh.Domain.Ips;

/// <summary>
/// What the shared IPv4 serves, for every app on it: <c>http</c> on 80 and <c>tls</c>+<c>http</c>
/// on 443, nothing else. Fixed by the platform, never by an app's config, so no tenant decides
/// the protocol other tenants get there; a port that needs other handlers needs a dedicated IPv4.
/// </summary>
public static class SharedV4Ports
{
    public const int Http = 80;
    public const int Https = 443;

    /// <summary>Whether a port entry, on <paramref name="port"/>, has the handlers the shared IPv4 serves there.</summary>
    public static bool Serves(int port, PortConfig config) => port switch
    {
        Http => config.Handlers.Length == 1 && config.Has(Handlers.Http),
        Https => config.Handlers.Length == 2 && config.Has(Handlers.Http) && config.Has(Handlers.Tls),
        _ => false,
    };

    /// <summary>The handlers the shared IPv4 serves on a port, as fly.toml spells them.</summary>
    public static string Expected(int port) => port == Https ? "tls+http" : "http";

    /// <summary>The app's ports 80 and 443 that the shared IPv4 does not serve (their first declaration has other handlers).</summary>
    public static IReadOnlyList<(int Port, PortConfig Config)> Unserved(AppConfig config)
    {
        var unserved = new List<(int, PortConfig)>();
        var seen = new HashSet<int>();
        foreach (var service in config.Services.Where(s => s.Protocol == ServiceConfig.Tcp))
        {
            foreach (var entry in service.Ports)
            {
                foreach (var port in new[] { Http, Https })
                {
                    if (entry.Contains(port) && seen.Add(port) && !Serves(port, entry)) unserved.Add((port, entry));
                }
            }
        }
        return unserved;
    }

    /// <summary>The deploy warning for a port the shared IPv4 does not serve: which port, why, and the fix.</summary>
    public static string Warning(int port, PortConfig config) =>
        $"services: port {port} has handlers [{string.Join(", ", config.Handlers)}]{(config.Handlers.IsEmpty ? " (raw TCP)" : "")}; the shared IPv4 serves only {Expected(port)} on port {port}, "
        + $"so IPv4 clients reach this app there only at a dedicated IPv4 address (allocate one with `mesh ips allocate-v4`)";
}
