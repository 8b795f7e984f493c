using System.Collections.Frozen;
using System.Collections.Immutable;
using System.Net;
using Mesh.Interfaces.Model;

namespace Mesh.Gateway.Dns;

/// <summary>
/// One app's names under <c>.internal</c>, computed once per table version so that a query is a
/// few dictionary lookups.
/// </summary>
public sealed class AppZone
{
    private readonly FrozenDictionary<string, ImmutableArray<IPAddress>> _startedByRegion;
    private readonly FrozenSet<string> _regions;
    // Every instance by id; null for one that is not started (the name exists, it has no address).
    private readonly FrozenDictionary<string, IPAddress?> _vms;

    private AppZone(
        string name,
        ImmutableArray<StartedInstance> started,
        FrozenDictionary<string, ImmutableArray<IPAddress>> startedByRegion,
        FrozenSet<string> regions,
        FrozenDictionary<string, IPAddress?> vms)
    {
        Name = name;
        Started = started;
        Addresses = [.. started.Select(i => i.Address)];
        _startedByRegion = startedByRegion;
        _regions = regions;
        _vms = vms;
        RegionsText = string.Join(",", startedByRegion.Keys.Order(StringComparer.Ordinal));
        VmsText = string.Join(",", started.Select(i => $"{i.Id} {i.Region}"));
    }

    public string Name { get; }

    /// <summary>Started instances with a private address, by id.</summary>
    public ImmutableArray<StartedInstance> Started { get; }

    /// <summary>The private addresses of <see cref="Started"/>, in the same order.</summary>
    public ImmutableArray<IPAddress> Addresses { get; }

    /// <summary>Comma-separated regions with started instances, sorted (<c>regions.APP.internal</c>).</summary>
    public string RegionsText { get; }

    /// <summary>Comma-separated <c>ID REGION</c> of started instances, by id (<c>vms.APP.internal</c>).</summary>
    public string VmsText { get; }

    /// <summary>
    /// Instances are grouped by region; a stopped instance still makes its region a name of the
    /// app, so asking for it is NODATA rather than NXDOMAIN while the app scales back up.
    /// </summary>
    public static AppZone Build(string name, IEnumerable<InstanceRoute> instances)
    {
        var started = new List<StartedInstance>();
        var regions = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var vms = new Dictionary<string, IPAddress?>(StringComparer.OrdinalIgnoreCase);
        foreach (var instance in instances.OrderBy(i => i.Id, StringComparer.Ordinal))
        {
            regions.Add(instance.Region);
            // An instance without a parsable private address cannot be reached over the private
            // network, so it is answered as if it were not started.
            var address = instance.State == InstanceState.Started && IPAddress.TryParse(instance.PrivateIp, out var ip) ? ip : null;
            if (!vms.TryAdd(instance.Id, address)) continue;
            if (address is not null) started.Add(new StartedInstance(instance.Id, name, instance.Region, address));
        }
        var byRegion = started
            .GroupBy(i => i.Region, StringComparer.OrdinalIgnoreCase)
            .ToFrozenDictionary(g => g.Key, g => g.Select(i => i.Address).ToImmutableArray(), StringComparer.OrdinalIgnoreCase);
        return new AppZone(name, [.. started], byRegion, regions.ToFrozenSet(StringComparer.OrdinalIgnoreCase), vms.ToFrozenDictionary(StringComparer.OrdinalIgnoreCase));
    }

    /// <summary>Whether the app has had an instance in the region (known catalogue regions are checked by the caller).</summary>
    public bool HasRegion(string region) => _regions.Contains(region);

    /// <summary>Addresses of the started instances in a region (empty when there are none).</summary>
    public ImmutableArray<IPAddress> StartedIn(string region) => _startedByRegion.GetValueOrDefault(region, []);

    /// <summary>Whether an instance of the app has this id; <paramref name="address"/> is null unless it is started.</summary>
    public bool TryFindVm(string id, out IPAddress? address) => _vms.TryGetValue(id, out address);
}
