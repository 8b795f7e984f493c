using System.Net;

namespace Mesh.Gateway.Dns;

/// <summary>Parses <see cref="InternalDnsOptions.Listen"/>: endpoints, one per entry or comma-separated.</summary>
public static class DnsListenEndpoints
{
    /// <exception cref="InvalidOperationException">An entry is not an address and port, or its port is 0.</exception>
    public static IReadOnlyList<IPEndPoint> Parse(IEnumerable<string> entries)
    {
        var endpoints = new List<IPEndPoint>();
        foreach (var entry in entries.SelectMany(e => e.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)))
        {
            if (!IPEndPoint.TryParse(entry, out var endpoint))
            {
                throw new InvalidOperationException($"{InternalDnsOptions.Section}:Listen: '{entry}' is not an address and port (e.g. [fdaa::3]:53 or 127.0.0.1:5353)");
            }
            if (endpoint.Port == 0)
            {
                // ARSoft binds its own sockets and does not expose them, so a kernel-chosen port
                // could never be reported to whoever needs to query it.
                throw new InvalidOperationException($"{InternalDnsOptions.Section}:Listen: '{entry}' needs a port, and port 0 is not supported");
            }
            if (!endpoints.Contains(endpoint)) endpoints.Add(endpoint);
        }
        return endpoints;
    }
}
