using System.Net;
using Mesh.Domain;
using Mesh.Domain.Apps;
using Mesh.Domain.Instances;
using Mesh.Domain.Ips;
using Mesh.Interfaces.Model;
using Microsoft.Extensions.Time.Testing;

namespace Mesh.Tests.Flycast;

/// <summary>Flycast addresses come from the network org's own range, never twice, and no instance may sit in one.</summary>
public sealed class FlycastAllocationTests
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 1, 0, 0, 0, TimeSpan.Zero));

    private IpAllocator Allocator(IpPoolState state) =>
        new(state, new IpPoolOptions { SharedV4 = "10.9.9.9", DedicatedV4 = "10.0.0.0/29", DedicatedV6 = "fd00::/120" }, _time);

    [Fact]
    public void A_private_address_is_in_the_network_orgs_flycast_range_and_names_that_network()
    {
        var allocator = Allocator(new IpPoolState());
        var web = allocator.AllocatePrivate("web", "acme");
        var api = allocator.AllocatePrivate("api", "acme");
        var rival = allocator.AllocatePrivate("other", "rival");

        var range = IPNetwork.Parse(PrivateAddresses.FlycastPrefix("acme"));
        Assert.Equal(80, range.PrefixLength);
        Assert.True(range.Contains(IPAddress.Parse(web.Address)));
        Assert.True(range.Contains(IPAddress.Parse(api.Address)));
        Assert.NotEqual(web.Address, api.Address);
        Assert.EndsWith(":0:1::1", web.Address);
        Assert.True(IPNetwork.Parse(PrivateAddresses.FlycastPrefix("rival")).Contains(IPAddress.Parse(rival.Address)));
        Assert.Equal(PrivateAddresses.KeyOf("acme"), PrivateAddresses.OrgKey(IPAddress.Parse(web.Address)));
        Assert.Equal((IpKind.PrivateV6, "acme"), (web.Kind, web.Network));
        Assert.Equal("acme", Assert.Single(allocator.Held("web")).Network);
        // Not from the public pools, which stay untouched.
        Assert.Equal(0, allocator.Usage().V6InUse);
        Assert.Throws<ArgumentException>(() => allocator.Allocate("web", IpKind.PrivateV6));
    }

    [Fact]
    public void A_released_private_address_is_not_handed_out_again_at_once_and_the_ledger_keeps_it()
    {
        var state = new IpPoolState();
        var allocator = Allocator(state);
        var first = allocator.AllocatePrivate("web", "acme").Address;
        allocator.Release("web", first);
        Assert.Empty(allocator.Held("web"));
        Assert.NotEqual(first, allocator.AllocatePrivate("web", "acme").Address);
        var closed = Assert.Single(state.Ledger, e => e.Address == first);
        Assert.NotNull(closed.ReleasedAt);
        Assert.Equal("acme", closed.Network);
        Assert.Equal("ip_not_held", Assert.Throws<MeshException>(() => allocator.Release("api", state.Ledger[^1].Address)).Code);
    }

    [Fact]
    public void No_instance_may_be_registered_at_a_flycast_address_even_in_its_own_org()
    {
        var policy = InstanceAddressPolicy.From(new InstanceAddressOptions(), [], []);
        var flycast = Allocator(new IpPoolState()).AllocatePrivate("web", "acme").Address;
        var rule = policy.Refusal("acme", $"[{flycast}]:8080");
        Assert.NotNull(rule);
        Assert.Contains("Flycast", rule);
        Assert.Null(policy.Refusal("acme", $"[{PrivateAddresses.For("acme", "ams", "i-1")}]:8080"));
    }
}
