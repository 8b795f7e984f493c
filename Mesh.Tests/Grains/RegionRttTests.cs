using Mesh.Domain;
using Mesh.Interfaces;
using Mesh.Tests.Infrastructure;

namespace Mesh.Tests.Grains;

public sealed class RegionRttTests(InProcessCluster fixture) : IClassFixture<InProcessCluster>
{
    [Fact]
    public async Task A_measured_rtt_replaces_the_estimate_and_the_latest_report_wins()
    {
        var region = fixture.Client.GetGrain<IRegionGrain>("scl");
        var before = await region.GetInfo();
        Assert.False(before.Rtt["gru"].Measured);
        Assert.True(before.Rtt["gru"].Milliseconds > 0);

        await region.ReportRtt("gru", 31.234);
        await region.ReportRtt("gru", 31.5);
        var after = (await region.GetInfo()).Rtt["gru"];
        Assert.True(after.Measured);
        Assert.Equal(31.5, after.Milliseconds);
        Assert.NotNull(after.MeasuredAt);
        Assert.False((await region.GetInfo()).Rtt["jnb"].Measured);
    }

    [Fact]
    public async Task Impossible_rtts_and_unknown_regions_are_refused_by_name()
    {
        var region = fixture.Client.GetGrain<IRegionGrain>("scl");
        var negative = await Assert.ThrowsAsync<MeshException>(() => region.ReportRtt("gru", -1));
        Assert.Contains("gru", negative.Message);
        await Assert.ThrowsAsync<MeshException>(() => region.ReportRtt("xxx", 10));
    }
}
