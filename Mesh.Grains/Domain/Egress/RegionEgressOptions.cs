namespace Mesh.Domain.Egress;

/// <summary>
/// Per-region settings under <c>Mesh:Regions</c> (e.g. <c>Mesh__Regions__ams__EgressV6</c>), read
/// by every silo: an instance registered on any silo records its region's egress addresses, so
/// every silo of a cluster must be given the same. The silo does no translation itself: the
/// region's network does (deploy/mesh-regions: nftables SNAT), and this is what it announces.
/// </summary>
public sealed class RegionEgressOptions
{
    public const string Section = "Mesh";

    public Dictionary<string, RegionEgressSettings> Regions { get; set; } = new(StringComparer.OrdinalIgnoreCase);
}
