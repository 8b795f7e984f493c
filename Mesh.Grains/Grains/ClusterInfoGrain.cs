using System.Collections.Immutable;
using Mesh.Interfaces;
using Mesh.Interfaces.Model;
using Orleans.Concurrency;

namespace Mesh.Grains;

/// <summary>Answers from the local silo's view of the membership table.</summary>
[StatelessWorker]
internal sealed class ClusterInfoGrain(IClusterMembershipService membership) : Grain, IClusterInfoGrain
{
    public Task<ImmutableArray<SiloMember>> Members() => Task.FromResult(
        membership.CurrentSnapshot.Members.Values
            .Select(m => new SiloMember(m.Name, SiloNames.RegionOf(m.Name), m.SiloAddress.Endpoint.ToString(), m.Status.ToString()))
            .OrderBy(m => m.Region, StringComparer.Ordinal)
            .ThenBy(m => m.Name, StringComparer.Ordinal)
            .ToImmutableArray());

    public async Task<ImmutableArray<string>> NodeEndpoints()
    {
        // The membership table has each silo's Orleans gateway port; the local snapshot does not.
        var hosts = await GrainFactory.GetGrain<IManagementGrain>(0).GetDetailedHosts(onlyActive: true);
        return [.. hosts
            .SelectMany(h => h.ProxyPort > 0
                ? new[] { h.SiloAddress.Endpoint, new System.Net.IPEndPoint(h.SiloAddress.Endpoint.Address, h.ProxyPort) }
                : [h.SiloAddress.Endpoint])
            .Select(e => e.ToString())
            .Distinct(StringComparer.Ordinal)
            .Order(StringComparer.Ordinal)];
    }
}
