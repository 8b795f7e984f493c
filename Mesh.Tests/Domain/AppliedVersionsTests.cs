using Mesh.Domain.Routing;

namespace Mesh.Tests.Domain;

public sealed class AppliedVersionsTests
{
    [Fact]
    public void Every_current_subscriber_must_have_reached_the_version()
    {
        var applied = new AppliedVersions<string>();
        applied.Record("ams", 7);
        applied.Record("sin", 5);
        Assert.True(applied.AllReached(5, ["ams", "sin"]));
        Assert.False(applied.AllReached(6, ["ams", "sin"]));
        // A subscriber that never acknowledged holds it up; nobody subscribed holds nothing up.
        Assert.False(applied.AllReached(1, ["ams", "new"]));
        Assert.True(applied.AllReached(100, []));
    }

    [Fact]
    public void Versions_only_move_forward_and_departed_subscribers_are_forgotten()
    {
        var applied = new AppliedVersions<string>();
        applied.Record("ams", 9);
        applied.Record("ams", 4);
        Assert.True(applied.AllReached(9, ["ams"]));
        applied.Record("sin", 9);
        applied.Retain(["sin"]);
        applied.Record("ams", 1);
        Assert.False(applied.AllReached(9, ["ams"]));
        applied.Forget("sin");
        Assert.False(applied.AllReached(1, ["sin"]));
    }
}
