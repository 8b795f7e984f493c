using System.Collections.Immutable;

namespace Mesh.Interfaces;

/// <summary>The ids of an org's tokens (keyed by org), for listing them.</summary>
[Alias("mesh.ITokenIndexGrain")]
public interface ITokenIndexGrain : IGrainWithStringKey
{
    [Alias("Add")] Task Add(string tokenId);
    /// <summary>The ids, in ordinal order.</summary>
    [Alias("List")] Task<ImmutableArray<string>> List();
}
