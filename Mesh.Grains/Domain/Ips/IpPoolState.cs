using Mesh.Interfaces.Model;

namespace Mesh.Domain.Ips;

/// <summary>The persisted state of the pools: who holds what now, the ledger, and the cursors.</summary>
[GenerateSerializer, Alias("mesh.IpPoolState")]
public sealed class IpPoolState
{
    /// <summary>Dedicated addresses in use, by address.</summary>
    [Id(0)] public Dictionary<string, IpLedgerEntry> Dedicated { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Apps on the shared IPv4, with the ledger entry of their hold.</summary>
    [Id(1)] public Dictionary<string, IpLedgerEntry> SharedHolders { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Every allocation ever made, with its release time once released.</summary>
    [Id(2)] public List<IpLedgerEntry> Ledger { get; set; } = [];

    /// <summary>Where the next search starts; moving forward means a released address is not handed out again until the pool wraps.</summary>
    [Id(3)] public long NextV4 { get; set; }
    [Id(4)] public long NextV6 { get; set; }

    /// <summary>The org of each app holding an address, so dedicated IPv4s can be counted per org (quotas).</summary>
    [Id(5)] public Dictionary<string, string> OrgOfApp { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Where the next search in each org's Flycast range starts (by org), as <see cref="NextV6"/> does for the public pool.</summary>
    [Id(6)] public Dictionary<string, long> NextPrivateV6 { get; set; } = new(StringComparer.Ordinal);
}
