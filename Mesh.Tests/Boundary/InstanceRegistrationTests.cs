using Mesh.Domain;
using Mesh.Domain.Apps;
using Mesh.Interfaces;
using Mesh.Interfaces.Model;

namespace Mesh.Tests.Boundary;

/// <summary>
/// Registering instances through the real grains of a cluster (no loopback allowance): refused
/// addresses get <c>instance_address_refused</c> with one line naming the rule, and leave nothing behind.
/// </summary>
public sealed class InstanceRegistrationTests(BoundaryCluster fixture) : IClassFixture<BoundaryCluster>
{
    private async Task<IAppGrain> NewApp(string org)
    {
        var app = fixture.Client.GetGrain<IAppGrain>("reg-" + Guid.NewGuid().ToString("N")[..10]);
        await app.Create(org);
        await app.Deploy("[http_service]\n  internal_port = 8080\n");
        return app;
    }

    private static async Task<string> Refused(IAppGrain app, string address)
    {
        var e = await Assert.ThrowsAsync<MeshException>(() => app.AddInstance(new InstanceRegistration("ams", address, [])));
        Assert.Equal("instance_address_refused", e.Code);
        Assert.DoesNotContain('\n', e.Message);
        Assert.Empty(await app.ListInstances());
        return e.Message;
    }

    [Fact]
    public async Task Loopback_link_local_node_and_other_org_addresses_are_refused_with_the_rule()
    {
        var app = await NewApp("lan");
        Assert.Equal("instance address 127.0.0.1:22: loopback addresses are not allowed for org 'lan' (Mesh:Instances:AllowedNetworks)",
            await Refused(app, "127.0.0.1:22"));
        Assert.Equal("instance address 169.254.169.254:80: link-local addresses are never allowed", await Refused(app, "169.254.169.254:80"));
        Assert.Equal("instance address [fe80::1]:80: link-local addresses are never allowed", await Refused(app, "[fe80::1]:80"));
        var otherOrg = $"[{PrivateAddresses.For("globex", "ams", "victim")}]:8080";
        Assert.Equal($"instance address {otherOrg}: another org's private network is never allowed (org 'lan' has {PrivateAddresses.OrgPrefix("lan")})",
            await Refused(app, otherOrg));

        var nodes = await fixture.Client.GetGrain<IClusterInfoGrain>(0).NodeEndpoints();
        Assert.Equal(4, nodes.Length); // two silos, each with its silo and Orleans gateway port
        foreach (var node in nodes)
        {
            Assert.Equal($"instance address {node}: the cluster's own endpoints (silo, Orleans gateway, API and gateway admin ports) are never allowed",
                await Refused(app, node));
        }
        Assert.Contains("the platform's public addresses (Mesh:IpPool)", await Refused(app, "127.78.1.7:80"));
        Assert.Contains("outside org 'lan''s private network", await Refused(app, "192.168.1.1:80"));
    }

    [Fact]
    public async Task The_orgs_prefix_the_unspecified_host_and_the_operators_networks_are_allowed()
    {
        var app = await NewApp("lan");
        var own = await app.AddInstance(new InstanceRegistration("ams", $"[{PrivateAddresses.For("lan", "ams", "x")}]:8080", []));
        var any = await app.AddInstance(new InstanceRegistration("ams", "[::]:8080", []));
        var lan = await app.AddInstance(new InstanceRegistration("ams", "10.20.3.4:8080", []));
        Assert.Equal(new[] { own.Id, any.Id, lan.Id }.Order(), (await app.ListInstances()).Select(i => i.Id).Order());
        // The allowance is for "lan" only.
        var other = await NewApp("elsewhere");
        Assert.Contains("outside org 'elsewhere''s private network", await Refused(other, "10.20.3.4:8080"));
    }
}
