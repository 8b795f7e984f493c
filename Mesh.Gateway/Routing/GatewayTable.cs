using System.Collections.Frozen;
using System.Net;
using Mesh.Domain.Apps;
using Mesh.Domain.Ips;
using Mesh.Domain.Routing;
using Mesh.Gateway.Acme;
using Mesh.Gateway.Forwarding;
using Mesh.Interfaces.Model;

namespace Mesh.Gateway.Routing;

/// <summary>
/// Everything the data path looks up, built once per route-table version and swapped atomically:
/// routes by (dialled address, port), by (hostname, port) for the shared addresses, the
/// listeners wanted, and each app's instances. Readers take one reference and never lock.
/// </summary>
public sealed class GatewayTable
{
    public static GatewayTable Empty { get; } = Build(RouteTableReplica.Empty, false);

    private readonly FrozenDictionary<(IPAddress, int), PortRoute> _dedicated;
    private readonly FrozenDictionary<(string, int), PortRoute> _byHostname;
    private readonly FrozenSet<IPAddress> _shared;
    private readonly FrozenSet<IPAddress> _private;
    private readonly FrozenDictionary<int, ListenerKind> _sharedKinds;
    private readonly FrozenDictionary<(string, int), PortRoute> _byAppPort;
    private readonly FrozenDictionary<string, InstanceRoute[]> _instancesByApp;

    private GatewayTable(
        RouteTableReplica source,
        RouteTableReplica unfiltered,
        IReadOnlyList<(InstanceRoute Instance, string Rule)> refused,
        long version,
        FrozenDictionary<string, InstanceRoute[]> instancesByApp,
        FrozenDictionary<(IPAddress, int), PortRoute> dedicated,
        FrozenDictionary<(string, int), PortRoute> byHostname,
        FrozenSet<IPAddress> shared,
        FrozenSet<IPAddress> @private,
        FrozenDictionary<int, ListenerKind> sharedKinds,
        FrozenDictionary<(string, int), PortRoute> byAppPort,
        FrozenSet<ListenerKey> listeners,
        AcmeChallenges challenges)
    {
        Source = source;
        Challenges = challenges;
        Unfiltered = unfiltered;
        RefusedInstances = refused;
        _sharedKinds = sharedKinds;
        _byAppPort = byAppPort;
        Version = version;
        _instancesByApp = instancesByApp;
        _dedicated = dedicated;
        _byHostname = byHostname;
        _shared = shared;
        _private = @private;
        Listeners = listeners;
    }

    public long Version { get; }

    /// <summary>The replica this table was built from, without refused instances (the internal DNS and health checks read it).</summary>
    public RouteTableReplica Source { get; }

    /// <summary>The replica as the control plane sent it, refused instances included (to rebuild under other rules).</summary>
    public RouteTableReplica Unfiltered { get; }

    /// <summary>Instances left out because the instance-address policy refuses where they are, with the rule.</summary>
    public IReadOnlyList<(InstanceRoute Instance, string Rule)> RefusedInstances { get; }

    /// <summary>Every instance id in the table (load counters of others can be dropped).</summary>
    public IReadOnlySet<string> InstanceIds => _instancesByApp.Values.SelectMany(v => v).Select(i => i.Id).ToHashSet(StringComparer.Ordinal);

    /// <summary>The ACME challenges to answer (http-01 on port 80, tls-alpn-01 on TLS ports), routed hostname or not.</summary>
    public AcmeChallenges Challenges { get; }

    /// <summary>The sockets the gateway should have open.</summary>
    public FrozenSet<ListenerKey> Listeners { get; }

    /// <summary>
    /// Builds the table. <paramref name="refusal"/> (the instance-address policy) leaves out every
    /// instance it refuses: it is never dialled, health-checked or named in DNS here, and is
    /// listed in <see cref="RefusedInstances"/> with the rule.
    /// </summary>
    public static GatewayTable Build(RouteTableReplica table, bool wildcard, Func<AppRoute, InstanceRoute, string?>? refusal = null)
    {
        var unfiltered = table;
        var refused = new List<(InstanceRoute, string)>();
        if (refusal is not null)
        {
            foreach (var instance in table.Instances.Values)
            {
                if (table.Apps.TryGetValue(instance.App, out var owner) && refusal(owner, instance) is { } rule) refused.Add((instance, rule));
            }
            if (refused.Count > 0) table = table.WithoutInstances(refused.Select(r => r.Item1.Id));
        }
        var instancesByApp = table.Instances.Values
            .GroupBy(i => i.App, StringComparer.Ordinal)
            .ToFrozenDictionary(g => g.Key, g => g.OrderBy(i => i.Id, StringComparer.Ordinal).ToArray(), StringComparer.Ordinal);
        var dedicated = new Dictionary<(IPAddress, int), PortRoute>();
        var byHostname = new Dictionary<(string, int), PortRoute>();
        var shared = new HashSet<IPAddress>();
        var @private = new HashSet<IPAddress>();
        var sharedKinds = new Dictionary<int, ListenerKind>();
        var byAppPort = new Dictionary<(string, int), PortRoute>();
        var listeners = new HashSet<ListenerKey>();
        foreach (var app in table.Apps.Values.OrderBy(a => a.App, StringComparer.Ordinal))
        {
            var routes = PortRoutes(app).ToList();
            foreach (var (port, route) in routes) byAppPort.TryAdd((app.App, port), route);
            foreach (var ip in app.Ips)
            {
                var address = IPAddress.Parse(ip.Address);
                if (ip.Kind == IpKind.SharedV4) shared.Add(address);
                // Flycast: routed like a dedicated address, admitted only from its org's network (Admits).
                if (ip.Kind == IpKind.PrivateV6) @private.Add(address);
                foreach (var (port, route) in routes)
                {
                    if (ip.Kind == IpKind.SharedV4)
                    {
                        // The platform fixes the shared address's pipelines (http on 80, tls+http
                        // on 443); an app whose port asks for anything else is not served there.
                        if (!SharedV4Ports.Serves(port, route.Port)) continue;
                        sharedKinds.TryAdd(port, route.Kind);
                    }
                    else dedicated.TryAdd((address, port), route);
                    listeners.Add(new ListenerKey(wildcard ? AnyFor(address) : address, port));
                }
            }
            // Hostnames route on the shared address only, and only to apps it serves on that port.
            if (!app.Ips.Any(i => i.Kind == IpKind.SharedV4)) continue;
            foreach (var cert in app.Certificates)
            {
                foreach (var (port, route) in routes)
                {
                    if (SharedV4Ports.Serves(port, route.Port)) byHostname.TryAdd((cert.Hostname, port), route);
                }
            }
        }
        var challenges = AcmeChallenges.From(table.Apps.Values, wildcard);
        listeners.UnionWith(challenges.Listeners);
        return new GatewayTable(
            table,
            unfiltered,
            [.. refused],
            table.Version,
            instancesByApp,
            dedicated.ToFrozenDictionary(),
            byHostname.ToFrozenDictionary(new HostPortComparer()),
            shared.ToFrozenSet(),
            @private.ToFrozenSet(),
            sharedKinds.ToFrozenDictionary(),
            byAppPort.ToFrozenDictionary(),
            listeners.ToFrozenSet(),
            challenges);
    }

    /// <summary>The route for a connection to <paramref name="local"/>:<paramref name="port"/>; on a shared address, chosen by the server name.</summary>
    public PortRoute? Resolve(IPAddress local, int port, string? serverName, out ProxyError failure)
    {
        local = Normalize(local);
        if (_dedicated.TryGetValue((local, port), out var route))
        {
            failure = ProxyError.None;
            return route;
        }
        if (_shared.Contains(local))
        {
            if (serverName is not null && ByHostname(serverName, port) is { } named)
            {
                failure = ProxyError.None;
                return named;
            }
            failure = ProxyError.UnknownServerName;
            return null;
        }
        failure = ProxyError.NoRoute;
        return null;
    }

    /// <summary>Whether the address is a Flycast address (an org's private, load-balanced address).</summary>
    public bool IsPrivate(IPAddress local) => _private.Contains(Normalize(local));

    /// <summary>
    /// Whether a client at <paramref name="remote"/> may connect to <paramref name="local"/>: any
    /// client to a public address; to a Flycast address only one inside the same org's private
    /// network (the org is part of both addresses), so neither the public nor another org's
    /// instances get in, whichever listener the connection arrived on.
    /// </summary>
    public bool Admits(IPAddress local, IPAddress remote)
    {
        local = Normalize(local);
        if (!_private.Contains(local)) return true;
        return PrivateAddresses.OrgKey(Normalize(remote)) is { } key && key == PrivateAddresses.OrgKey(local) && !PrivateAddresses.IsFlycast(Normalize(remote));
    }

    /// <summary>Whether connections to this address and port need a server name to be routed.</summary>
    public bool IsShared(IPAddress local) => _shared.Contains(Normalize(local));

    /// <summary>The kind of listener pipeline an address and port need; on shared addresses, the kind its apps agree on.</summary>
    public ListenerKind? KindAt(IPAddress local, int port)
    {
        local = Normalize(local);
        if (_dedicated.TryGetValue((local, port), out var route)) return route.Kind;
        return _shared.Contains(local) && _sharedKinds.TryGetValue(port, out var kind) ? kind : Challenges.KindAt(local, port);
    }

    public PortRoute? ByHostname(string hostname, int port)
    {
        if (_byHostname.TryGetValue((hostname, port), out var route)) return route;
        // A wildcard certificate covers one label (RFC 6125 §6.4.3).
        var dot = hostname.IndexOf('.');
        return dot > 0 && _byHostname.TryGetValue(("*" + hostname[dot..], port), out route) ? route : null;
    }

    /// <summary>An app's route for a public port (a <c>fly-replay: app=</c> hands the request to another app).</summary>
    public PortRoute? RouteFor(string app, int port) => _byAppPort.GetValueOrDefault((app, port));

    public InstanceRoute[] InstancesOf(string app) => _instancesByApp.GetValueOrDefault(app) ?? [];

    public static IPAddress Normalize(IPAddress address) => address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;

    private static IPAddress AnyFor(IPAddress address) =>
        address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork ? IPAddress.Any : IPAddress.IPv6Any;

    /// <summary>Every public TCP port of the app with its route; a range yields each port in it.</summary>
    private static IEnumerable<(int Port, PortRoute Route)> PortRoutes(AppRoute app)
    {
        var seen = new HashSet<int>();
        foreach (var service in app.Services.Where(s => s.Protocol == "tcp"))
        {
            foreach (var port in service.Ports)
            {
                var route = new PortRoute(app, service, port, ListenerKinds.Of(port));
                var first = Math.Max(1, port.FirstPort);
                var last = Math.Min(65535, port.LastPort);
                // A range wider than this is a config mistake we do not turn into thousands of sockets.
                if (last - first > 1024) last = first + 1024;
                for (var p = first; p <= last; p++)
                {
                    // The first declaration of a port wins (the validator warned about duplicates).
                    if (seen.Add(p)) yield return (p, route);
                }
            }
        }
    }

    private sealed class HostPortComparer : IEqualityComparer<(string, int)>
    {
        public bool Equals((string, int) x, (string, int) y) => x.Item2 == y.Item2 && string.Equals(x.Item1, y.Item1, StringComparison.OrdinalIgnoreCase);

        public int GetHashCode((string, int) obj) => HashCode.Combine(StringComparer.OrdinalIgnoreCase.GetHashCode(obj.Item1), obj.Item2);
    }
}
