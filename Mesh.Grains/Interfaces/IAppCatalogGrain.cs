using System.Collections.Immutable;
using Mesh.Interfaces.Model;

namespace Mesh.Interfaces;

/// <summary>The list of apps (key "global") and which app claimed which hostname.</summary>
[Alias("mesh.IAppCatalogGrain")]
public interface IAppCatalogGrain : IGrainWithStringKey
{
    public const string Global = "global";

    /// <summary>Lists a new app; fails with <c>quota_exceeded</c> when its org holds as many apps as its quota allows.</summary>
    [Alias("Add")] Task Add(AppSummary app);
    [Alias("Remove")] Task Remove(string app);
    /// <summary>Removes an app's entry only if it is still <paramref name="expected"/> (not re-created meanwhile); true when removed.</summary>
    [Alias("RemoveIfUnchanged")] Task<bool> RemoveIfUnchanged(AppSummary expected);
    [Alias("List")] Task<ImmutableArray<AppSummary>> List(string? org);
    /// <summary>
    /// Claims a hostname for an app; fails with <c>hostname_taken</c> when another app holds it or
    /// another org's verified hostname covers it (or is covered by it). A claim already verified stays so.
    /// </summary>
    [Alias("ClaimHostname")] Task ClaimHostname(string hostname, string app, string org, bool verified);
    /// <summary>Marks an app's claim verified (ownership shown); fails as <see cref="ClaimHostname"/> when another org verified a covering name first.</summary>
    [Alias("VerifyHostname")] Task VerifyHostname(string hostname, string app);
    [Alias("ReleaseHostname")] Task ReleaseHostname(string hostname, string app);
    /// <summary>Every claimed hostname (the silos wake their certificate grains with it).</summary>
    [Alias("ListHostnames")] Task<ImmutableArray<string>> ListHostnames();
}
