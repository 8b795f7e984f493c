using System.Net;
using Mesh.Gateway.Routing;

namespace Mesh.Gateway.Http;

/// <summary>
/// Chooses the app for an HTTP request (DESIGN §4.1, §8): by the dialled address on a dedicated
/// IP; on the shared IPv4 by the Host header, which must agree with the TLS SNI when there is
/// one (421 otherwise); an unknown host gets 404 naming it.
/// </summary>
public static class HttpRouter
{
    public static (PortRoute? Route, int Status, string? Error) Resolve(GatewayTable table, IPAddress local, int port, string host, string? serverName)
        => ResolveHostname(table, local, port, HostWithoutPort(host), serverName);

    /// <summary>As <see cref="Resolve"/>, for a caller that has the Host's name without its port already (one per connection, not per request).</summary>
    public static (PortRoute? Route, int Status, string? Error) ResolveHostname(GatewayTable table, IPAddress local, int port, string hostname, string? serverName)
    {
        if (table.IsShared(local))
        {
            if (serverName is not null && !string.Equals(serverName, hostname, StringComparison.OrdinalIgnoreCase))
            {
                return (null, StatusCodes.Status421MisdirectedRequest, $"host {hostname} does not match the TLS server name {serverName}");
            }
            if (hostname.Length == 0) return (null, StatusCodes.Status404NotFound, "no Host header to route on");
        }
        var route = table.Resolve(local, port, hostname.Length == 0 ? null : hostname, out _);
        return route is null
            ? (null, StatusCodes.Status404NotFound, $"no app serves {(hostname.Length == 0 ? local.ToString() : hostname)}")
            : (route, 0, null);
    }

    public static string HostWithoutPort(string host)
    {
        if (host.StartsWith('['))
        {
            var end = host.IndexOf(']');
            return end > 0 ? host[1..end] : host;
        }
        var colon = host.LastIndexOf(':');
        return (colon > 0 ? host[..colon] : host).TrimEnd('.');
    }

    private static class StatusCodes
    {
        public const int Status404NotFound = 404;
        public const int Status421MisdirectedRequest = 421;
    }
}
