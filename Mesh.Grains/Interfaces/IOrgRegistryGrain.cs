using System.Collections.Immutable;
using Mesh.Interfaces.Model;

namespace Mesh.Interfaces;

/// <summary>The orgs (key "global"). The default org <c>personal</c> always exists.</summary>
[Alias("mesh.IOrgRegistryGrain")]
public interface IOrgRegistryGrain : IGrainWithStringKey
{
    public const string Global = "global";

    /// <summary>Creates an org; fails with <c>org_exists</c> when it exists.</summary>
    [Alias("Create")] Task<OrgInfo> Create(string name);
    /// <summary>The org, created if it does not exist yet (apps created by the operator in a new org).</summary>
    [Alias("Ensure")] Task<OrgInfo> Ensure(string name);
    [Alias("Get")] Task<OrgInfo?> Get(string name);
    [Alias("List")] Task<ImmutableArray<OrgInfo>> List();
}
