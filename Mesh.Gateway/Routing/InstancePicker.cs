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
        string? preferredRegion = null)
    {
        var candidates = instances.Where(i => i.IsRoutable && !ejected(i.Id)).ToList();
        if (candidates.Any(i => AtHardLimit(i, inFlight, limits)))
        {
            candidates.RemoveAll(i => AtHardLimit(i, inFlight, limits));
        }
        return [.. candidates
            .OrderBy(i => i.Region == preferredRegion ? 0 : 1)
            .ThenBy(i => i.Region == gatewayRegion ? 0 : 1)
            .ThenBy(i => i.Region == gatewayRegion ? 0 : rttTo(i.Region))
            .ThenBy(i => i.Region, StringComparer.Ordinal)
            .ThenBy(i => inFlight(i.Id) >= limits.SoftLimit ? 1 : 0)
            .ThenBy(i => inFlight(i.Id))
            .ThenBy(i => i.Id, StringComparer.Ordinal)];
    }

    private static bool AtHardLimit(InstanceRoute i, Func<string, int> inFlight, ConcurrencyConfig limits) =>
        limits.HardLimit is { } hard && inFlight(i.Id) >= hard;
}
