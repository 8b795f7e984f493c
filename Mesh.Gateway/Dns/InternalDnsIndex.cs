using System.Collections.Frozen;
using System.Collections.Immutable;
using System.Net;
using Mesh.Domain.Apps;
using Mesh.Domain.Regions;
using Mesh.Domain.Routing;
using Mesh.Interfaces.Model;

namespace Mesh.Gateway.Dns;

/// <summary>
/// The internal zone of one route-table version: orgs by the key their private addresses carry,
/// and regions by theirs. Built once per table; immutable, so concurrent queries share it.
/// </summary>
public sealed class InternalDnsIndex
{
    // Null marks a key two orgs share: neither can be told from the other by address, so an
    // asker with it is refused rather than risk showing one org the other's apps.
    private readonly FrozenDictionary<uint, OrgZone?> _orgsByKey;
    private readonly FrozenDictionary<uint, string> _regionsByKey;
    // Flycast addresses by the org key of the network they are in, then by app name.
    private readonly FrozenDictionary<uint, FrozenDictionary<string, ImmutableArray<IPAddress>>> _flycastByKey;

    private InternalDnsIndex(
        RouteTableReplica source,
        FrozenDictionary<uint, OrgZone?> orgsByKey,
        FrozenDictionary<uint, string> regionsByKey,
        FrozenDictionary<uint, FrozenDictionary<string, ImmutableArray<IPAddress>>> flycastByKey)
    {
        Source = source;
        _orgsByKey = orgsByKey;
        _regionsByKey = regionsByKey;
        _flycastByKey = flycastByKey;
    }

    public static InternalDnsIndex Empty { get; } = Build(RouteTableReplica.Empty);

    /// <summary>The table this index was built from.</summary>
    public RouteTableReplica Source { get; }

    public static InternalDnsIndex Build(RouteTableReplica table)
    {
        var instancesByApp = table.Instances.Values.ToLookup(i => i.App, StringComparer.Ordinal);
        var orgsByKey = new Dictionary<uint, OrgZone?>();
        foreach (var org in table.Apps.Values.GroupBy(a => a.Org, StringComparer.Ordinal))
        {
            var zone = OrgZone.Build(org.Key, org.Select(a => AppZone.Build(a.App, instancesByApp[a.App])));
            var key = PrivateAddresses.KeyOf(org.Key);
            orgsByKey[key] = orgsByKey.ContainsKey(key) ? null : zone;
        }
        var regionsByKey = new Dictionary<uint, string>();
        var regions = RegionCatalog.All.Select(r => r.Code).Concat(table.Instances.Values.Select(i => i.Region));
        foreach (var region in regions.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal))
        {
            regionsByKey.TryAdd(PrivateAddresses.KeyOf(region), region);
        }
        return new InternalDnsIndex(table, orgsByKey.ToFrozenDictionary(), regionsByKey.ToFrozenDictionary(), FlycastByKey(table));
    }

    /// <summary>
    /// Each app's Flycast addresses under the network they are in, which is the org whose askers
    /// see them (the app's own, or another org it was exposed to).
    /// </summary>
    private static FrozenDictionary<uint, FrozenDictionary<string, ImmutableArray<IPAddress>>> FlycastByKey(RouteTableReplica table)
    {
        var byKey = new Dictionary<uint, Dictionary<string, List<IPAddress>>>();
        foreach (var app in table.Apps.Values.OrderBy(a => a.App, StringComparer.Ordinal))
        {
            foreach (var ip in app.Ips.Where(i => i.Kind == IpKind.PrivateV6))
            {
                if (!IPAddress.TryParse(ip.Address, out var address) || PrivateAddresses.OrgKey(address) is not { } key) continue;
                if (!byKey.TryGetValue(key, out var apps)) byKey[key] = apps = new(StringComparer.OrdinalIgnoreCase);
                if (!apps.TryGetValue(app.App, out var addresses)) apps[app.App] = addresses = [];
                addresses.Add(address);
            }
        }
        return byKey.ToFrozenDictionary(
            e => e.Key,
            e => e.Value.ToFrozenDictionary(a => a.Key, a => a.Value.ToImmutableArray(), StringComparer.OrdinalIgnoreCase));
    }

    /// <summary>The Flycast addresses of <paramref name="app"/> in the asker's private network; empty when it has none there.</summary>
    public ImmutableArray<IPAddress> FlycastOf(IPAddress asker, string app) =>
        PrivateAddresses.OrgKey(asker) is { } key && _flycastByKey.TryGetValue(key, out var apps) ? apps.GetValueOrDefault(app, []) : [];

    /// <summary>The org whose private network the address is in; null outside <c>fdaa::/16</c> (IPv4 and IPv4-mapped askers included) or for no known org.</summary>
    public OrgZone? OrgOf(IPAddress asker) =>
        PrivateAddresses.OrgKey(asker) is { } key ? _orgsByKey.GetValueOrDefault(key) : null;

    /// <summary>The region the address was given in, if it is a known region.</summary>
    public string? RegionOf(IPAddress asker) =>
        PrivateAddresses.RegionKey(asker) is { } key ? _regionsByKey.GetValueOrDefault(key) : null;
}
