using System.Collections.Immutable;
using Mesh.Interfaces.Model;

namespace Mesh.Interfaces;

/// <summary>Reads the cluster membership (stateless; answers from whichever silo it runs on).</summary>
[Alias("mesh.IClusterInfoGrain")]
public interface IClusterInfoGrain : IGrainWithIntegerKey
{
    [Alias("Members")] Task<ImmutableArray<SiloMember>> Members();

    /// <summary>Every active silo's silo and Orleans gateway endpoints (HOST:PORT): no instance may be registered there.</summary>
    [Alias("NodeEndpoints")] Task<ImmutableArray<string>> NodeEndpoints();
}
