using Mesh.Domain;
using Mesh.Domain.Ips;
using Mesh.Interfaces.Model;
using Microsoft.Extensions.Time.Testing;

namespace Mesh.Tests.Domain;

public sealed class IpAllocatorTests
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 1, 0, 0, 0, TimeSpan.Zero));

    private IpAllocator Allocator(IpPoolState state, string v4 = "10.0.0.0/29", string v6 = "fd00::/120") =>
        new(state, new IpPoolOptions { SharedV4 = "10.9.9.9", DedicatedV4 = v4, DedicatedV6 = v6 }, _time);

    [Fact]
    public void Dedicated_v4_skips_network_and_broadcast_and_never_repeats()
    {
        var allocator = Allocator(new IpPoolState());
        var addresses = Enumerable.Range(0, 6).Select(i => allocator.Allocate($"app{i}", IpKind.V4).Address).ToList();
        Assert.Equal(["10.0.0.1", "10.0.0.2", "10.0.0.3", "10.0.0.4", "10.0.0.5", "10.0.0.6"], addresses);
        var e = Assert.Throws<MeshException>(() => allocator.Allocate("app7", IpKind.V4));
        Assert.Equal("ip_pool_exhausted", e.Code);
        Assert.Contains("10.0.0.0/29", e.Message);
    }

    [Fact]
    public void Released_address_is_reused_only_after_the_pool_wraps()
    {
        var allocator = Allocator(new IpPoolState());
        var first = allocator.Allocate("a", IpKind.V4).Address;
        allocator.Release("a", first);
        Assert.NotEqual(first, allocator.Allocate("b", IpKind.V4).Address);
        for (var i = 0; i < 4; i++) allocator.Allocate($"c{i}", IpKind.V4);
        Assert.Equal(first, allocator.Allocate("d", IpKind.V4).Address);
    }

    [Fact]
    public void V6_comes_from_its_prefix_skipping_the_subnet_router_anycast_address()
    {
        var allocator = Allocator(new IpPoolState());
        Assert.Equal("fd00::1", allocator.Allocate("a", IpKind.V6).Address);
        Assert.Equal("fd00::2", allocator.Allocate("b", IpKind.V6).Address);
    }

    [Fact]
    public void Shared_v4_is_one_address_for_many_apps_once_each()
    {
        var allocator = Allocator(new IpPoolState());
        Assert.Equal("10.9.9.9", allocator.Allocate("a", IpKind.SharedV4).Address);
        Assert.Equal("10.9.9.9", allocator.Allocate("b", IpKind.SharedV4).Address);
        Assert.Equal("ip_exists", Assert.Throws<MeshException>(() => allocator.Allocate("a", IpKind.SharedV4)).Code);
        allocator.Release("a", "10.9.9.9");
        Assert.Equal(1, allocator.Usage().SharedV4Holders);
        Assert.Single(allocator.Held("b"));
    }

    [Fact]
    public void Release_needs_the_holder()
    {
        var allocator = Allocator(new IpPoolState());
        var ip = allocator.Allocate("a", IpKind.V4).Address;
        Assert.Equal("ip_not_held", Assert.Throws<MeshException>(() => allocator.Release("b", ip)).Code);
        Assert.Equal("ip_not_held", Assert.Throws<MeshException>(() => allocator.Release("b", "10.9.9.9")).Code);
        Assert.Single(allocator.Held("a"));
    }

    [Fact]
    public void Ledger_records_holds_and_bills_dedicated_v4_by_the_hour()
    {
        var state = new IpPoolState();
        var allocator = Allocator(state);
        var v4 = allocator.Allocate("a", IpKind.V4).Address;
        allocator.Allocate("a", IpKind.V6);
        allocator.Allocate("a", IpKind.SharedV4);
        _time.Advance(TimeSpan.FromDays(15));
        allocator.Release("a", v4);

        var entry = state.Ledger.Single(e => e.Address == v4);
        Assert.Equal(_time.GetUtcNow(), entry.ReleasedAt);
        Assert.Equal(3, state.Ledger.Count);
        // 15 of November's 30 days at $2/month; IPv6 and shared IPv4 are free.
        Assert.Equal(1.00m, IpPricing.MonthlyBill(state.Ledger, "a", _time.GetUtcNow(), _time.GetUtcNow()));
        Assert.Equal(0m, IpPricing.MonthlyBill(state.Ledger, "a", new DateTimeOffset(2026, 12, 1, 0, 0, 0, TimeSpan.Zero), _time.GetUtcNow().AddMonths(1)));
    }

    [Fact]
    public void Bad_pool_prefix_names_the_setting()
    {
        var e = Assert.Throws<MeshException>(() => Allocator(new IpPoolState(), v4: "banana"));
        Assert.Contains("Mesh:IpPool:DedicatedV4", e.Message);
    }
}
