using System.Net;

namespace Mesh.Whoami;

/// <summary>
/// The command line: <c>--http</c> and <c>--dns</c> endpoints (repeatable or comma-separated),
/// <c>--zone</c> the DNS zone the service answers for (whoami.ZONE is the name to ask).
/// </summary>
public sealed record WhoamiOptions(IReadOnlyList<IPEndPoint> Http, IReadOnlyList<IPEndPoint> Dns, string Zone)
{
    public const string DefaultZone = "mesh-internet.test";

    /// <exception cref="ArgumentException">An unknown flag, a flag without its value, or an endpoint that is not ADDRESS:PORT.</exception>
    public static WhoamiOptions Parse(IReadOnlyList<string> args)
    {
        var http = new List<IPEndPoint>();
        var dns = new List<IPEndPoint>();
        var zone = DefaultZone;
        for (var i = 0; i < args.Count; i++)
        {
            var flag = args[i];
            var value = i + 1 < args.Count ? args[++i] : throw new ArgumentException($"{flag} needs a value");
            switch (flag)
            {
                case "--http": http.AddRange(Endpoints(flag, value)); break;
                case "--dns": dns.AddRange(Endpoints(flag, value)); break;
                case "--zone": zone = value.Trim().TrimEnd('.'); break;
                default: throw new ArgumentException($"unknown flag {flag} (--http ENDPOINTS, --dns ENDPOINTS, --zone NAME)");
            }
        }
        if (http.Count == 0 && dns.Count == 0) throw new ArgumentException("nothing to serve: give --http and/or --dns endpoints");
        if (zone.Length == 0) throw new ArgumentException("--zone: empty");
        return new WhoamiOptions(http, dns, zone);
    }

    private static IEnumerable<IPEndPoint> Endpoints(string flag, string value) =>
        value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(e =>
            // ARSoft binds its own sockets and does not say which port the kernel chose: no port 0.
            IPEndPoint.TryParse(e, out var endpoint) && endpoint.Port != 0
                ? endpoint
                : throw new ArgumentException($"{flag}: '{e}' is not ADDRESS:PORT (e.g. 203.0.113.1:80 or [2001:db8:ff::1]:53)"));
}
