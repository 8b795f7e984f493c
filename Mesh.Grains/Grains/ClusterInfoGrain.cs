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
}
