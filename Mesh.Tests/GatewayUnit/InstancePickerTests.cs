using Mesh.Gateway.Routing;
using Mesh.Interfaces.Config;
using Mesh.Interfaces.Model;

namespace Mesh.Tests.GatewayUnit;

public sealed class InstancePickerTests
{
    private static InstanceRoute I(string id, string region, InstanceState state = InstanceState.Started, InstanceHealth health = InstanceHealth.Passing) =>
        new(id, "a", region, "127.0.0.1:1", state, health, "fdaa::2");

    private static readonly Dictionary<string, double> Rtt = new() { ["ams"] = 0, ["fra"] = 8, ["iad"] = 90, ["syd"] = 250 };

    private static List<string> Order(IEnumerable<InstanceRoute> instances, Dictionary<string, int>? load = null, ConcurrencyConfig? limits = null, IReadOnlyList<string>? prefer = null, HashSet<string>? ejected = null) =>
        InstancePicker.Order(instances, "ams", r => Rtt[r], id => load?.GetValueOrDefault(id) ?? 0, id => ejected?.Contains(id) == true,
            limits ?? ConcurrencyConfig.Default, prefer).Select(i => i.Id).ToList();

    [Fact]
    public void Own_region_then_by_rtt_and_only_routable()
    {
        var all = new[] { I("syd1", "syd"), I("iad1", "iad"), I("fra1", "fra"), I("ams1", "ams", InstanceState.Stopped), I("ams2", "ams", health: InstanceHealth.Critical), I("ams3", "ams") };
        Assert.Equal(["ams3", "fra1", "iad1", "syd1"], Order(all));
    }

    [Fact]
    public void Soft_limit_orders_within_a_region_and_hard_limit_spills_to_the_next()
    {
        var all = new[] { I("a1", "ams"), I("a2", "ams"), I("f1", "fra") };
        var limits = new ConcurrencyConfig("connections", 2, 4);
        Assert.Equal(["a2", "a1", "f1"], Order(all, new() { ["a1"] = 2, ["a2"] = 1 }, limits));
        // Over the soft limit, still local: the region is left only at the hard limit.
        Assert.Equal(["a2", "a1", "f1"], Order(all, new() { ["a1"] = 3, ["a2"] = 2 }, limits));
        Assert.Equal(["a2", "f1"], Order(all, new() { ["a1"] = 4, ["a2"] = 3 }, limits));
        Assert.Equal(["f1"], Order(all, new() { ["a1"] = 4, ["a2"] = 4 }, limits));
    }

    [Fact]
    public void Ejected_instances_are_skipped_and_a_preferred_region_comes_first()
    {
        var all = new[] { I("a1", "ams"), I("f1", "fra"), I("i1", "iad") };
        Assert.Equal(["f1", "i1"], Order(all, ejected: ["a1"]));
        Assert.Equal(["i1", "a1", "f1"], Order(all, prefer: ["iad"]));
        Assert.Equal(["f1", "i1", "a1"], Order(all, prefer: ["fra", "iad"]));
    }

    [Fact]
    public void The_first_candidate_is_the_first_of_the_whole_order_in_every_case()
    {
        // The data path asks only for the first; it must be the one the full order starts with,
        // ties included (same region, same load: the instance id decides), or null when the order is empty.
        var random = new Random(20261206);
        string[] regions = ["ams", "fra", "iad", "syd"];
        for (var round = 0; round < 2000; round++)
        {
            var all = Enumerable.Range(0, random.Next(0, 7))
                .Select(n => I($"i{random.Next(0, 9)}{n}", regions[random.Next(regions.Length)],
                    random.Next(8) == 0 ? InstanceState.Stopped : InstanceState.Started,
                    random.Next(8) == 0 ? InstanceHealth.Critical : InstanceHealth.Passing))
                .ToArray();
            var load = all.ToDictionary(i => i.Id, _ => random.Next(0, 6));
            var ejected = all.Where(_ => random.Next(6) == 0).Select(i => i.Id).ToHashSet();
            var limits = new ConcurrencyConfig("requests", random.Next(1, 4), random.Next(3) == 0 ? null : random.Next(2, 6));
            IReadOnlyList<string>? prefer = random.Next(3) == 0 ? [regions[random.Next(regions.Length)]] : null;
            var order = Order(all, load, limits, prefer, ejected);
            IEnumerable<InstanceRoute> asked = random.Next(2) == 0 ? all : all.ToList();
            var first = InstancePicker.First(asked, "ams", r => Rtt[r], id => load[id], ejected.Contains, limits, prefer);
            Assert.Equal(order.FirstOrDefault(), first?.Id);
        }
    }
}
