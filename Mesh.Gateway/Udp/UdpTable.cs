using System.Collections.Frozen;
using System.Net;
using System.Net.Sockets;
using Mesh.Domain.Routing;
using Mesh.Gateway.Routing;
using Mesh.Interfaces.Config;
using Mesh.Interfaces.Model;

namespace Mesh.Gateway.Udp;

/// <summary>
/// The UDP part of the route table, built from the same (policy-filtered) replica as the TCP
/// <see cref="GatewayTable"/> and swapped with it: routes by (dedicated IPv4, port), the sockets
/// wanted, and each app's instances by id. Only dedicated IPv4 addresses serve UDP: the shared
/// IPv4 routes by Host/SNI, which datagrams lack, and the platform mirrored serves no UDP on IPv6.
/// Pure: no sockets.
/// </summary>
public sealed class UdpTable
{
    public static UdpTable Empty { get; } = Build(RouteTableReplica.Empty, false);

    /// <summary>A port range wider than this is a config mistake we do not turn into thousands of sockets (as for TCP).</summary>
    public const int MaxRangeWidth = 1024;

    private readonly FrozenDictionary<(uint Address, int Port), UdpRoute> _routes;
    private readonly FrozenDictionary<string, InstanceRoute> _instances;
    private readonly FrozenDictionary<string, InstanceRoute[]> _byApp;

    private UdpTable(
        long version,
        FrozenDictionary<(uint, int), UdpRoute> routes,
        FrozenDictionary<string, InstanceRoute> instances,
        FrozenDictionary<string, InstanceRoute[]> byApp,
        FrozenSet<ListenerKey> listeners)
    {
        Version = version;
        _routes = routes;
        _instances = instances;
        _byApp = byApp;
        Listeners = listeners;
    }

    public long Version { get; }

    /// <summary>The UDP sockets the gateway should have open: each address and port, or 0.0.0.0:port in wildcard mode.</summary>
    public FrozenSet<ListenerKey> Listeners { get; }

    public int RouteCount => _routes.Count;

    public static UdpTable Build(RouteTableReplica table, bool wildcard)
    {
        var routes = new Dictionary<(uint, int), UdpRoute>();
        var listeners = new HashSet<ListenerKey>();
        foreach (var app in table.Apps.Values.OrderBy(a => a.App, StringComparer.Ordinal))
        {
            var ports = PortRoutes(app).ToList();
            if (ports.Count == 0) continue;
            foreach (var ip in app.Ips)
            {
                if (ip.Kind != IpKind.V4 || !IPAddress.TryParse(ip.Address, out var address) || address.AddressFamily != AddressFamily.InterNetwork) continue;
                var key = Key(address);
                foreach (var (port, route) in ports)
                {
                    if (routes.TryAdd((key, port), route)) listeners.Add(new ListenerKey(wildcard ? IPAddress.Any : address, port));
                }
            }
        }
        var instances = table.Instances.Values.ToFrozenDictionary(i => i.Id, StringComparer.Ordinal);
        var byApp = table.Instances.Values
            .GroupBy(i => i.App, StringComparer.Ordinal)
            .ToFrozenDictionary(g => g.Key, g => g.OrderBy(i => i.Id, StringComparer.Ordinal).ToArray(), StringComparer.Ordinal);
        return new UdpTable(table.Version, routes.ToFrozenDictionary(), instances, byApp, listeners.ToFrozenSet());
    }

    /// <summary>The route for a datagram to <paramref name="address"/> (an IPv4 address in network byte order, as sockets hold it) and port.</summary>
    public UdpRoute? Resolve(uint address, int port) => _routes.GetValueOrDefault((address, port));

    public UdpRoute? Resolve(IPAddress address, int port) =>
        address.AddressFamily == AddressFamily.InterNetwork || address.IsIPv4MappedToIPv6 ? Resolve(Key(GatewayTable.Normalize(address)), port) : null;

    public InstanceRoute? Instance(string id) => _instances.GetValueOrDefault(id);

    public InstanceRoute[] InstancesOf(string app) => _byApp.GetValueOrDefault(app) ?? [];

    /// <summary>An IPv4 address as the 4 bytes of a socket address, read as one number (the flow and route key).</summary>
    public static uint Key(IPAddress address)
    {
        Span<byte> bytes = stackalloc byte[4];
        address.TryWriteBytes(bytes, out _);
        return BitConverter.ToUInt32(bytes);
    }

    /// <summary>Every public port of the app's UDP services with its route; a range yields each port in it; the first declaration wins.</summary>
    private static IEnumerable<(int Port, UdpRoute Route)> PortRoutes(AppRoute app)
    {
        var seen = new HashSet<int>();
        foreach (var service in app.Services.Where(s => s.Protocol == ServiceConfig.Udp))
        {
            foreach (var entry in service.Ports)
            {
                // Handlers act on TCP streams; the validator warned that a UDP port ignores them.
                var route = new PortRoute(app, service, entry, ListenerKind.Tcp);
                var first = Math.Max(1, entry.FirstPort);
                var last = Math.Min(65535, entry.LastPort);
                if (last - first > MaxRangeWidth) last = first + MaxRangeWidth;
                for (var p = first; p <= last; p++)
                {
                    if (seen.Add(p)) yield return (p, new UdpRoute(route, p));
                }
            }
        }
    }
}
