using System.Net;
using Mesh.Gateway.Connections;

namespace Mesh.Tests.GatewayUnit;

/// <summary>Which sources' PROXY headers the gateway believes.</summary>
public sealed class TrustedProxiesTests
{
    private static IPEndPoint At(string address) => new(IPAddress.Parse(address), 40000);

    [Fact]
    public void Only_the_listed_networks_are_trusted_also_as_mapped_ipv6()
    {
        var trusted = TrustedProxies.Parse("10.1.0.0/16, 127.0.0.1 ,fd00::/8");
        Assert.False(trusted.TrustsEveryone);
        Assert.True(trusted.Trusts(At("10.1.200.3")));
        Assert.True(trusted.Trusts(At("127.0.0.1")));
        Assert.True(trusted.Trusts(At("::ffff:10.1.0.1")));
        Assert.True(trusted.Trusts(At("fd12::1")));
        Assert.False(trusted.Trusts(At("10.2.0.1")));
        Assert.False(trusted.Trusts(At("127.0.0.2")));
        Assert.False(trusted.Trusts(null));
    }

    [Fact]
    public void Empty_trusts_everyone_and_a_bad_entry_is_named()
    {
        Assert.True(TrustedProxies.Parse(null).TrustsEveryone);
        Assert.True(TrustedProxies.Parse(" ").Trusts(At("192.0.2.1")));
        var e = Assert.Throws<FormatException>(() => TrustedProxies.Parse("10.0.0.0/8,nonsense"));
        Assert.Contains("'nonsense'", e.Message);
    }
}
