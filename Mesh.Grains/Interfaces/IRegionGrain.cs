using Mesh.Interfaces.Model;

namespace Mesh.Interfaces;

/// <summary>A region, keyed by its code: location and RTT to the other regions.</summary>
[Alias("mesh.IRegionGrain")]
public interface IRegionGrain : IGrainWithStringKey
{
    [Alias("GetInfo")] Task<RegionInfo> GetInfo();
    /// <summary>A measured RTT to another region (gateways report these); replaces the estimate.</summary>
    [Alias("ReportRtt")] Task ReportRtt(string toRegion, double milliseconds);
}
