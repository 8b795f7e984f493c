using Mesh.Interfaces;
using Mesh.Interfaces.Model;

namespace Mesh.Tests.Egress;

/// <summary>What the platform records as an instance's outbound IP: its region's egress addresses when it registered.</summary>
public sealed class InstanceOutboundIpTests(EgressCluster fixture) : IClassFixture<EgressCluster>
{
    [Fact]
    public async Task An_instance_records_its_regions_egress_and_a_new_registration_elsewhere_changes_it()
    {
        var app = fixture.Client.GetGrain<IAppGrain>("egress-" + Guid.NewGuid().ToString("N")[..10]);
        await app.Create("personal");

        var ams = await app.AddInstance(new InstanceRegistration("ams", "127.0.0.1:8091", []));
        Assert.Equal("2001:db8:ee::11", ams.OutboundIp);
        Assert.Equal("198.51.100.11", ams.OutboundIpV4);

        // Kept through later changes, and what the list shows.
        await fixture.Client.GetGrain<IInstanceGrain>(ams.Id).Stop();
        var listed = Assert.Single(await app.ListInstances());
        Assert.Equal(("2001:db8:ee::11", "198.51.100.11"), (listed.OutboundIp, listed.OutboundIpV4));

        // Moved: registered in iad instead (IPv6 egress only there).
        await fixture.Client.GetGrain<IInstanceGrain>(ams.Id).Remove();
        var iad = await app.AddInstance(new InstanceRegistration("iad", "127.0.0.1:8091", []));
        Assert.Equal("2001:db8:ee::12", iad.OutboundIp);
        Assert.Null(iad.OutboundIpV4);

        // A region without egress: the instance's own private address is what it sends from.
        var fra = await app.AddInstance(new InstanceRegistration("fra", "127.0.0.1:8092", []));
        Assert.Equal(fra.PrivateIp, fra.OutboundIp);
        Assert.Null(fra.OutboundIpV4);
    }
}
