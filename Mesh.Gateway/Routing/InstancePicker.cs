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
    /// <summary>Loads and ejections of the instances for one service, as the picker reads them.</summary>
    public interface ILoads
    {
        int InFlight(string instanceId);

        bool IsEjected(string instanceId);
    }

    public static List<InstanceRoute> Order(
        IEnumerable<InstanceRoute> instances,
        string gatewayRegion,
        Func<string, double> rttTo,
        Func<string, int> inFlight,
        Func<string, bool> ejected,
        ConcurrencyConfig limits,
        IReadOnlyList<string>? preferredRegions = null) =>
        Order(instances, gatewayRegion, rttTo, new FuncLoads(inFlight, ejected), limits, preferredRegions);

    public static InstanceRoute? First(
        IEnumerable<InstanceRoute> instances,
        string gatewayRegion,
        Func<string, double> rttTo,
        Func<string, int> inFlight,
        Func<string, bool> ejected,
        ConcurrencyConfig limits,
        IReadOnlyList<string>? preferredRegions = null) =>
        First(instances, gatewayRegion, rttTo, new FuncLoads(inFlight, ejected), limits, preferredRegions);

    /// <summary>The data path's overload: a struct view of the load board, so a pick allocates no closures.</summary>
    public static List<InstanceRoute> Order<TLoads>(
        IEnumerable<InstanceRoute> instances,
        string gatewayRegion,
        Func<string, double> rttTo,
        TLoads loads,
        ConcurrencyConfig limits,
        IReadOnlyList<string>? preferredRegions = null)
        where TLoads : ILoads
    {
        preferredRegions ??= [];
        // Per connection: one list, keys computed once per instance, no LINQ sort chain.
        var ranked = new List<(InstanceRoute Instance, Key Key)>();
        foreach (var i in instances)
        {
            if (!i.IsRoutable || loads.IsEjected(i.Id)) continue;
            var load = loads.InFlight(i.Id);
            if (limits.HardLimit is { } hard && load >= hard) continue;
            ranked.Add((i, KeyOf(i, load, gatewayRegion, rttTo, limits, preferredRegions)));
        }
        if (ranked.Count > 1) ranked.Sort(static (a, b) => Compare(a, b));
        var ordered = new List<InstanceRoute>(ranked.Count);
        foreach (var (instance, _) in ranked) ordered.Add(instance);
        return ordered;
    }

    /// <summary>
    /// The instance <see cref="Order{TLoads}"/> would put first, or null when it would return none,
    /// found in one pass without building the order: most requests take the first candidate, so the
    /// data path asks for it alone and orders the rest only when that one has no slot left.
    /// </summary>
    public static InstanceRoute? First<TLoads>(
        IEnumerable<InstanceRoute> instances,
        string gatewayRegion,
        Func<string, double> rttTo,
        TLoads loads,
        ConcurrencyConfig limits,
        IReadOnlyList<string>? preferredRegions = null)
        where TLoads : ILoads
    {
        preferredRegions ??= [];
        (InstanceRoute Instance, Key Key) best = default;
        var found = false;
        // The route table hands out arrays: indexed, so a pick allocates no enumerator.
        if (instances is InstanceRoute[] array)
        {
            foreach (var i in array) Consider(i, ref best, ref found, gatewayRegion, rttTo, ref loads, limits, preferredRegions);
        }
        else
        {
            foreach (var i in instances) Consider(i, ref best, ref found, gatewayRegion, rttTo, ref loads, limits, preferredRegions);
        }
        return found ? best.Instance : null;
    }

    private static void Consider<TLoads>(InstanceRoute i, ref (InstanceRoute Instance, Key Key) best, ref bool found, string gatewayRegion,
        Func<string, double> rttTo, ref TLoads loads, ConcurrencyConfig limits, IReadOnlyList<string> preferredRegions)
        where TLoads : ILoads
    {
        if (!i.IsRoutable || loads.IsEjected(i.Id)) return;
        var load = loads.InFlight(i.Id);
        if (limits.HardLimit is { } hard && load >= hard) return;
        var candidate = (i, KeyOf(i, load, gatewayRegion, rttTo, limits, preferredRegions));
        if (!found || Compare(candidate, best) < 0)
        {
            best = candidate;
            found = true;
        }
    }

    private static Key KeyOf(InstanceRoute i, int load, string gatewayRegion, Func<string, double> rttTo, ConcurrencyConfig limits, IReadOnlyList<string> preferredRegions)
    {
        var local = i.Region == gatewayRegion;
        return new Key(Rank(preferredRegions, i.Region), local ? 0 : 1, local ? 0 : rttTo(i.Region), load >= limits.SoftLimit ? 1 : 0, load);
    }

    private readonly struct FuncLoads(Func<string, int> inFlight, Func<string, bool> ejected) : ILoads
    {
        public int InFlight(string instanceId) => inFlight(instanceId);

        public bool IsEjected(string instanceId) => ejected(instanceId);
    }

    private readonly record struct Key(int Preference, int Remote, double Rtt, int OverSoft, int Load);

    private static int Compare((InstanceRoute Instance, Key Key) a, (InstanceRoute Instance, Key Key) b)
    {
        var c = a.Key.Preference.CompareTo(b.Key.Preference);
        if (c == 0) c = a.Key.Remote.CompareTo(b.Key.Remote);
        if (c == 0) c = a.Key.Rtt.CompareTo(b.Key.Rtt);
        if (c == 0) c = string.CompareOrdinal(a.Instance.Region, b.Instance.Region);
        if (c == 0) c = a.Key.OverSoft.CompareTo(b.Key.OverSoft);
        if (c == 0) c = a.Key.Load.CompareTo(b.Key.Load);
        if (c == 0) c = string.CompareOrdinal(a.Instance.Id, b.Instance.Id);
        return c;
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
}
