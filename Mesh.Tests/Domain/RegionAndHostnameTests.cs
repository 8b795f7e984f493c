using Mesh.Domain;
using Mesh.Domain.Certificates;
using Mesh.Domain.Regions;

namespace Mesh.Tests.Domain;

public sealed class RegionAndHostnameTests
{
    [Fact]
    public void Catalogue_has_the_required_regions()
    {
        foreach (var code in "ams fra lhr cdg iad ord dfw sjc lax sea yyz gru nrt sin syd jnb bom".Split(' '))
        {
            Assert.NotNull(RegionCatalog.Find(code));
        }
        Assert.Equal("unknown_region", Assert.Throws<MeshException>(() => RegionCatalog.Get("xyz")).Code);
    }

    [Fact]
    public void Rtt_estimates_order_regions_by_distance()
    {
        var ams = RegionCatalog.Get("ams");
        double Rtt(string code) => RttEstimator.EstimateMs(ams, RegionCatalog.Get(code));
        Assert.Equal(0, Rtt("ams"));
        Assert.True(Rtt("fra") < Rtt("iad"));
        Assert.True(Rtt("iad") < Rtt("sin"));
        Assert.True(Rtt("sin") < Rtt("syd"));
        // London-Amsterdam is about 360 km: a few ms; Amsterdam-Ashburn about 6,200 km: under 100 ms.
        Assert.InRange(Rtt("lhr"), 2, 15);
        Assert.InRange(Rtt("iad"), 60, 110);
        Assert.Equal(RttEstimator.EstimateMs(RegionCatalog.Get("sin"), ams), Rtt("sin"));
    }

    [Theory]
    [InlineData("*.example.com", "a.example.com", true)]
    [InlineData("*.example.com", "a.b.example.com", false)]
    [InlineData("*.example.com", "example.com", false)]
    [InlineData("Example.com", "example.COM", true)]
    [InlineData("example.com", "example.org", false)]
    public void Wildcards_cover_one_label(string name, string host, bool covers) =>
        Assert.Equal(covers, Hostnames.Covers(name, host));

    [Theory]
    [InlineData("Example.COM.", "example.com")]
    [InlineData("*.apps.example.com", "*.apps.example.com")]
    public void Hostnames_are_normalized(string input, string expected) => Assert.Equal(expected, Hostnames.Normalize(input));

    [Theory]
    [InlineData("")]
    [InlineData("a..b")]
    [InlineData("-a.com")]
    [InlineData("a b.com")]
    [InlineData("a.*.com")]
    public void Bad_hostnames_are_refused(string input) =>
        Assert.Equal("invalid_hostname", Assert.Throws<MeshException>(() => Hostnames.Normalize(input)).Code);
}
