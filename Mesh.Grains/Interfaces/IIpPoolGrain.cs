using System.Collections.Immutable;
using Mesh.Interfaces.Model;

namespace Mesh.Interfaces;

/// <summary>
/// The address pools, keyed by pool name ("default"). One activation serialises every
/// allocation, so no address is handed to two apps, whichever silo the callers are on.
/// </summary>
[Alias("mesh.IIpPoolGrain")]
public interface IIpPoolGrain : IGrainWithStringKey
{
    /// <summary>Allocates an address to an app of <paramref name="org"/>; a dedicated IPv4 counts against the org's quota.</summary>
    [Alias("Allocate")] Task<IpAssignment> Allocate(string app, IpKind kind, string org);
    /// <summary>Allocates a Flycast address to an app of <paramref name="org"/> in <paramref name="network"/>'s private network.</summary>
    [Alias("AllocatePrivate")] Task<IpAssignment> AllocatePrivate(string app, string org, string network);
    [Alias("Release")] Task Release(string app, string address);
    [Alias("ReleaseAll")] Task ReleaseAll(string app);
    [Alias("Held")] Task<ImmutableArray<IpAssignment>> Held(string app);
    [Alias("Ledger")] Task<ImmutableArray<IpLedgerEntry>> Ledger(string? app);
    [Alias("Usage")] Task<IpPoolUsage> Usage();
}
