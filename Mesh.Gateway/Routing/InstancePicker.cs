using Mesh.Interfaces.Config;
using Mesh.Interfaces.Model;

namespace Mesh.Gateway.Routing;

/// <summary>
/// Orders an app's instances for one connection (DESIGN §4, §8): started and healthy only; the
/// gateway's own region first, then regions by RTT; within a region, instances under their soft
/// limit before those over it, then the least loaded. Instances at their hard limit are left
/// out, so traffic leaves the region only when every local instance is at its hard limit.
/// Pure: loads and RTTs are passed in.
/// </summary>
public static class InstancePicker
{
    public static List<InstanceRoute> Order(
        IEnumerable<InstanceRoute> instances,
        string gatewayRegion,
        Func<string, double> rttTo,
        Func<string, int> inFlight,
        Func<string, bool> ejected,
        ConcurrencyConfig limits,
        IReadOnlyList<string>? preferredRegions = null)
    {
        preferredRegions ??= [];
        var candidates = instances.Where(i => i.IsRoutable && !ejected(i.Id)).ToList();
        candidates.RemoveAll(i => AtHardLimit(i, inFlight, limits));
        return [.. candidates
            .OrderBy(i => Rank(preferredRegions, i.Region))
            .ThenBy(i => i.Region == gatewayRegion ? 0 : 1)
            .ThenBy(i => i.Region == gatewayRegion ? 0 : rttTo(i.Region))
            .ThenBy(i => i.Region, StringComparer.Ordinal)
            .ThenBy(i => inFlight(i.Id) >= limits.SoftLimit ? 1 : 0)
            .ThenBy(i => inFlight(i.Id))
            .ThenBy(i => i.Id, StringComparer.Ordinal)];
    }

    /// <summary>A region's place in the client's preference list; regions not listed come after all listed ones.</summary>
    private static int Rank(IReadOnlyList<string> preferred, string region)
    {
        for (var i = 0; i < preferred.Count; i++)
        {
            if (preferred[i] == region) return i;
        }
        return preferred.Count;
    }

    private static bool AtHardLimit(InstanceRoute i, Func<string, int> inFlight, ConcurrencyConfig limits) =>
        limits.HardLimit is { } hard && inFlight(i.Id) >= hard;
}
