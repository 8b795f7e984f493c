using Mesh.Domain.Regions;
using Mesh.Interfaces.Model;

namespace Mesh.Gateway.Routing;

/// <summary>
/// Turns a region's RTT row into the order the picker walks regions in. Measured RTT decides,
/// at a resolution of <see cref="ResolutionMs"/>: regions whose measurements differ by less are
/// as near as each other (jitter must not flip traffic between them), and the distance estimate
/// breaks the tie. On one host every measured RTT is a fraction of a millisecond, so the order
/// there is the estimate's; between real regions, measurement wins.
/// </summary>
public static class RttRanking
{
    public const double ResolutionMs = 5;

    /// <summary>A sort key per region: lower is nearer.</summary>
    public static Dictionary<string, double> Rank(string fromRegion, IReadOnlyDictionary<string, RegionRtt> rtt)
    {
        var from = RegionCatalog.Find(fromRegion);
        var ranks = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var (region, value) in rtt)
        {
            var to = RegionCatalog.Find(region);
            var estimate = from is not null && to is not null ? RttEstimator.EstimateMs(from, to) : value.Milliseconds;
            // Estimates stay well under 100,000 ms, so the bucket always dominates.
            ranks[region] = Math.Floor(value.Milliseconds / ResolutionMs) * 100_000 + Math.Min(estimate, 99_999);
        }
        return ranks;
    }
}
