using Mesh.Gateway.Routing;
using Mesh.Interfaces.Model;

namespace Mesh.Tests.GatewayUnit;

public sealed class RttRankingTests
{
    private static RegionRtt Measured(double ms) => new(ms, true, DateTimeOffset.UnixEpoch);

    private static RegionRtt Estimated(double ms) => new(ms, false, null);

    [Fact]
    public void Measured_rtt_decides_when_regions_differ_by_more_than_the_resolution()
    {
        // From ams, iad is estimated nearer than sin; measurements say the opposite.
        var ranks = RttRanking.Rank("ams", new Dictionary<string, RegionRtt> { ["iad"] = Measured(180), ["sin"] = Measured(40) });
        Assert.True(ranks["sin"] < ranks["iad"]);
    }

    [Fact]
    public void Measurements_within_the_resolution_are_ties_broken_by_distance()
    {
        // On one host every measurement is a fraction of a millisecond: jitter must not decide.
        var ranks = RttRanking.Rank("ams", new Dictionary<string, RegionRtt> { ["sin"] = Measured(0.05), ["iad"] = Measured(0.4), ["fra"] = Measured(0.3) });
        Assert.True(ranks["fra"] < ranks["iad"]);
        Assert.True(ranks["iad"] < ranks["sin"]);
    }

    [Fact]
    public void Estimates_and_measurements_share_one_scale()
    {
        var ranks = RttRanking.Rank("ams", new Dictionary<string, RegionRtt> { ["fra"] = Estimated(8), ["iad"] = Measured(85), ["syd"] = Estimated(250) });
        Assert.True(ranks["fra"] < ranks["iad"]);
        Assert.True(ranks["iad"] < ranks["syd"]);
    }
}
