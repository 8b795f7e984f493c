using System.Net;
using System.Security.Cryptography;
using System.Text;
using Mesh.Domain.Apps;

namespace Mesh.Tests.Dns;

public sealed class PrivateAddressKeysTests
{
    [Fact]
    public void Keys_read_back_the_org_and_region_an_address_was_made_with()
    {
        var address = PrivateAddresses.For("acme", "fra", "i-1");

        Assert.True(PrivateAddresses.IsPrivate(address));
        Assert.Equal(PrivateAddresses.KeyOf("acme"), PrivateAddresses.OrgKey(address));
        Assert.Equal(PrivateAddresses.KeyOf("fra"), PrivateAddresses.RegionKey(address));
        Assert.NotEqual(PrivateAddresses.KeyOf("ams"), PrivateAddresses.RegionKey(address));
    }

    [Fact]
    public void A_key_is_the_first_four_bytes_of_the_sha256_and_the_layout_is_unchanged()
    {
        static string Hex4(string s) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(s))[..4]);

        Assert.Equal(Convert.ToUInt32(Hex4("acme"), 16), PrivateAddresses.KeyOf("acme"));
        var bytes = PrivateAddresses.For("acme", "fra", "i-1").GetAddressBytes();
        Assert.Equal("fdaa" + Hex4("acme") + Hex4("fra") + Hex4("i-1") + "0002", Convert.ToHexStringLower(bytes));
        var prefix = PrivateAddresses.OrgPrefix("acme");
        Assert.EndsWith("/48", prefix);
        Assert.Equal(bytes[..6], IPAddress.Parse(prefix[..^3]).GetAddressBytes()[..6]);
    }

    [Theory]
    [InlineData("10.0.0.1")]
    [InlineData("::1")]
    [InlineData("fd00::1")]
    [InlineData("::ffff:10.0.0.1")]
    [InlineData("2001:db8::1")]
    public void Addresses_outside_the_private_network_have_no_keys(string text)
    {
        var address = IPAddress.Parse(text);

        Assert.False(PrivateAddresses.IsPrivate(address));
        Assert.Null(PrivateAddresses.OrgKey(address));
        Assert.Null(PrivateAddresses.RegionKey(address));
    }

    [Fact]
    public void The_same_instance_registered_in_another_region_gets_another_address_in_the_same_org_network()
    {
        var ams = PrivateAddresses.For("acme", "ams", "1234abcd5678ef");
        var sin = PrivateAddresses.For("acme", "sin", "1234abcd5678ef");
        Assert.NotEqual(ams, sin);
        Assert.Equal(PrivateAddresses.OrgKey(ams), PrivateAddresses.OrgKey(sin));
        Assert.NotEqual(PrivateAddresses.RegionKey(ams), PrivateAddresses.RegionKey(sin));
    }
}
