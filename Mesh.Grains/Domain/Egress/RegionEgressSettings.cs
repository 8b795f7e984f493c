namespace Mesh.Domain.Egress;

/// <summary>One region's outbound addresses as the operator configures them (<c>Mesh:Regions:CODE</c>).</summary>
public sealed class RegionEgressSettings
{
    /// <summary>The public IPv6 the region's network translates its instances' outbound traffic to.</summary>
    public string? EgressV6 { get; set; }

    /// <summary>The public IPv4 the region's network translates its instances' outbound IPv4 traffic to.</summary>
    public string? EgressV4 { get; set; }
}
