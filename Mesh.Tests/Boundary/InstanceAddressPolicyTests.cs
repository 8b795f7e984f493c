using System.Net;
using Mesh.Domain;
using Mesh.Domain.Apps;
using Mesh.Domain.Instances;
using Mesh.Domain.Ips;

namespace Mesh.Tests.Boundary;

/// <summary>The instance-address rules, without a cluster: what is allowed where, and the one line a refusal gets.</summary>
public sealed class InstanceAddressPolicyTests
{
    private static readonly IPEndPoint[] Nodes = [IPEndPoint.Parse("10.1.0.5:11111"), IPEndPoint.Parse("10.1.0.5:30000"), IPEndPoint.Parse("127.0.0.1:11112")];

    private static InstanceAddressPolicy Policy(Action<InstanceAddressOptions>? configure = null, bool embedded = false)
    {
        var options = new InstanceAddressOptions();
        configure?.Invoke(options);
        return InstanceAddressPolicy.From(options, Nodes, PublicNetworks.Of(new IpPoolOptions()), embedded);
    }

    private static string Own(string org, int last = 2) => $"[{PrivateAddresses.For(org, "ams", "i" + last)}]:8080";

    [Fact]
    public void An_orgs_private_prefix_and_the_unspecified_host_are_allowed_everywhere()
    {
        var policy = Policy();
        Assert.Null(policy.Refusal("acme", Own("acme")));
        Assert.Null(policy.Refusal("acme", "[::]:8080"));
        Assert.Null(policy.Refusal("acme", "0.0.0.0:8080"));
    }

    [Fact]
    public void Loopback_is_refused_in_a_cluster_unless_allowed_and_the_refusal_names_the_rule()
    {
        Assert.Equal(
            "instance address 127.0.0.1:22: loopback addresses are not allowed for org 'x' (Mesh:Instances:AllowedNetworks)",
            Policy().Refusal("x", "127.0.0.1:22"));
        Assert.NotNull(Policy().Refusal("x", "[::1]:8080"));
        Assert.Null(Policy(o => o.AllowedNetworks["x"] = "127.0.0.0/8").Refusal("x", "127.0.0.1:22"));
        Assert.NotNull(Policy(o => o.AllowedNetworks["y"] = "127.0.0.0/8").Refusal("x", "127.0.0.1:22"));
        Assert.Null(Policy(o => o.AllowedNetworks["*"] = "127.0.0.0/8").Refusal("x", "127.0.0.1:22"));
        Assert.Null(Policy(embedded: true).Refusal("x", "127.0.0.1:22"));
        Assert.NotNull(Policy(o => o.AllowLoopback = false, embedded: true).Refusal("x", "127.0.0.1:22"));
    }

    [Fact]
    public void Operator_networks_allow_an_org_and_everything_else_outside_its_prefix_is_refused()
    {
        var policy = Policy(o => o.AllowedNetworks["lan"] = "10.20.0.0/16, 192.168.7.0/24");
        Assert.Null(policy.Refusal("lan", "10.20.3.4:5000"));
        Assert.Null(policy.Refusal("lan", "192.168.7.9:80"));
        var outside = policy.Refusal("lan", "10.21.0.1:5000");
        Assert.Equal($"instance address 10.21.0.1:5000: addresses outside org 'lan''s private network {PrivateAddresses.OrgPrefix("lan")} are not allowed unless the operator allows their network (Mesh:Instances:AllowedNetworks)", outside);
        Assert.NotNull(policy.Refusal("other", "10.20.3.4:5000"));
    }

    [Fact]
    public void Link_local_multicast_broadcast_and_other_orgs_are_refused_even_when_allowed()
    {
        var policy = Policy(o => o.AllowedNetworks["*"] = "0.0.0.0/0, ::/0", embedded: true);
        Assert.Contains("link-local addresses are never allowed", policy.Refusal("acme", "169.254.169.254:80"));
        Assert.Contains("link-local addresses are never allowed", policy.Refusal("acme", "[fe80::1]:80"));
        Assert.Contains("multicast and broadcast", policy.Refusal("acme", "224.0.0.1:80"));
        Assert.Contains("multicast and broadcast", policy.Refusal("acme", "255.255.255.255:80"));
        Assert.Contains("multicast and broadcast", policy.Refusal("acme", "[ff02::1]:80"));
        Assert.Contains("another org's private network is never allowed", policy.Refusal("acme", Own("globex")));
        Assert.Contains("link-local addresses are never allowed", policy.Refusal("acme", "[::ffff:169.254.1.1]:80"));
    }

    [Fact]
    public void The_clusters_own_nodes_reserved_ports_and_public_addresses_are_refused_even_when_allowed()
    {
        var policy = Policy(o =>
        {
            o.AllowedNetworks["*"] = "0.0.0.0/0";
            o.ReservedEndpoints = "127.0.0.1:9091";
        }, embedded: true);
        // A node's whole address, and on loopback (a one-host cluster) its ports on every loopback address.
        Assert.Contains("the cluster's node addresses are never allowed", policy.Refusal("acme", "10.1.0.5:8080"));
        Assert.Contains("the cluster's own endpoints", policy.Refusal("acme", "10.1.0.5:11111"));
        Assert.Contains("the cluster's own endpoints", policy.Refusal("acme", "127.0.0.1:11112"));
        Assert.Contains("the cluster's own endpoints", policy.Refusal("acme", "127.0.0.2:11112"));
        Assert.Contains("the cluster's own endpoints", policy.Refusal("acme", "127.0.0.1:9091"));
        Assert.Null(policy.Refusal("acme", "127.0.0.1:9092"));
        Assert.Contains("public addresses (Mesh:IpPool)", policy.Refusal("acme", "127.77.0.1:80"));
        Assert.Contains("public addresses (Mesh:IpPool)", policy.Refusal("acme", "127.77.1.9:80"));
    }

    [Fact]
    public void Bad_config_names_the_key()
    {
        var e = Assert.Throws<MeshException>(() => Policy(o => o.AllowedNetworks["acme"] = "10.0.0.0/33"));
        Assert.Equal("Mesh:Instances:AllowedNetworks:acme: '10.0.0.0/33' is not a CIDR prefix such as 10.20.0.0/16", e.Message);
        Assert.Contains("Mesh:Instances:ReservedEndpoints", Assert.Throws<MeshException>(() => Policy(o => o.ReservedEndpoints = "nope")).Message);
    }
}
