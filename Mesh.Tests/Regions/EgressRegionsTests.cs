using Mesh.Tests.Cluster;
using Mesh.Tests.Infrastructure;

namespace Mesh.Tests.Regions;

/// <summary>
/// Outbound IPs in the three-region mesh of deploy/mesh-regions: an instance reaches the internet
/// namespace's what-is-my-IP service (mesh-whoami) through its region's egress translation, and
/// what the service sees is what <c>mesh instances list</c> shows; moving the instance changes both.
/// </summary>
[Collection(RegionsTests.Name)]
public sealed class EgressRegionsTests
{
    private const string Whoami = "whoami.mesh-internet.test";

    [Fact]
    public async Task Curl_and_dig_from_an_instance_see_its_regions_egress_as_listed_and_a_move_changes_it()
    {
        await using var mesh = await RegionsMesh.UpAsync();
        var instances = await mesh.InstancesAsync("hello");
        Assert.Equal(RegionsMesh.Regions.Length, instances.Select(i => i.OutboundIp).Distinct().Count());
        Assert.Equal(RegionsMesh.Regions.Length, instances.Select(i => i.OutboundIpV4).Distinct().Count());

        foreach (var instance in instances)
        {
            Assert.NotEqual(instance.PrivateIp, instance.OutboundIp);
            await AssertSeenAsAsync(mesh, instance);
        }

        // The spec's two commands as typed: an instance prefers IPv6 to the Internet.
        var ams = instances.Single(i => i.Region == "ams");
        Assert.Equal(ams.OutboundIp, (await mesh.CurlAsync($"i-{ams.Id}", $"http://{Whoami}/")).Trim());
        Assert.Equal($"\"{ams.OutboundIp}\"", (await mesh.ExecAsync($"i-{ams.Id}", "dig", "+short", "txt", Whoami, $"@{Whoami}")).Stdout.Trim());

        // Moved to sin: registered anew there, seen from sin's egress; the old registration is gone.
        var moved = await RegionsMesh.RunAsync("move-instance", ams.Id, "sin");
        Assert.True(moved.ExitCode == 0, moved.Stderr);
        var movedId = moved.Stdout.Trim().Split('\n')[^1];
        var after = await mesh.InstancesAsync("hello");
        Assert.DoesNotContain(after, i => i.Id == ams.Id);
        var now = after.Single(i => i.Id == movedId);
        var sin = instances.Single(i => i.Region == "sin");
        Assert.Equal("sin", now.Region);
        Assert.Equal((sin.OutboundIp, sin.OutboundIpV4), (now.OutboundIp, now.OutboundIpV4));
        Assert.NotEqual(ams.OutboundIp, now.OutboundIp);
        await AssertSeenAsAsync(mesh, now);
    }

    /// <summary>Over HTTP and DNS, IPv6 and IPv4: the service sees the outbound addresses the platform lists.</summary>
    private static async Task AssertSeenAsAsync(RegionsMesh mesh, InstanceRow instance)
    {
        var where = $"i-{instance.Id}";
        Assert.Equal(instance.OutboundIp, (await mesh.CurlAsync(where, $"http://{Whoami}/", "-6")).Trim());
        Assert.Equal(instance.OutboundIpV4, (await mesh.CurlAsync(where, $"http://{Whoami}/", "-4")).Trim());
        Assert.Equal($"\"{instance.OutboundIp}\"", (await mesh.ExecAsync(where, "dig", "-6", "+short", "+time=5", "txt", Whoami, $"@{Whoami}")).Stdout.Trim());
        Assert.Equal($"\"{instance.OutboundIpV4}\"", (await mesh.ExecAsync(where, "dig", "-4", "+short", "+time=5", "txt", Whoami, $"@{Whoami}")).Stdout.Trim());
    }
}
