using Mesh.Tests.Cluster;
using Mesh.Tests.Infrastructure;

namespace Mesh.Tests.Udp;

/// <summary>
/// UDP anycast in the three-region mesh of deploy/mesh-regions (root, namespaces; wildcard-bound
/// gateways): one dedicated IPv4, and each region's client is answered by its own region's
/// instance, the reply coming from the address it dialled (socat's connected UDP socket accepts nothing else).
/// </summary>
[Collection(Regions.RegionsTests.Name)]
public sealed class UdpAnycastTests
{
    [Fact]
    public async Task The_same_address_is_answered_in_each_clients_own_region()
    {
        await using var mesh = await RegionsMesh.UpAsync();
        using var dir = new TempDir();
        var toml = Path.Combine(dir.Path, "fly.toml");
        // The sample's web service as deployed, plus a UDP service on the instances' port 8080.
        await File.WriteAllTextAsync(toml, """
            app = "hello"
            [http_service]
              internal_port = 8080
              [[http_service.checks]]
                interval = "1s"
                timeout = "1s"
                grace_period = "5s"
                method = "GET"
                path = "/health"
            [[services]]
              internal_port = 8080
              protocol = "udp"
              [[services.ports]]
                port = 8080
            """);
        var deployed = await mesh.CliAsync("deploy", "-a", "hello", "-c", toml);
        Assert.Equal(0, deployed.ExitCode);
        // hello holds a dedicated IPv4 already: nothing to warn about.
        Assert.DoesNotContain("udp port", deployed.Stdout + deployed.Stderr);

        var servers = new List<RunningProcess>();
        try
        {
            foreach (var instance in await mesh.InstancesAsync("hello"))
            {
                // A UDP server in the instance's namespace on its private address: answers with its region.
                servers.Add(RunningProcess.Start("ip", ["netns", "exec", $"{RegionsMesh.Name}-i-{instance.Id}",
                    "socat", "UDP6-RECVFROM:8080,fork", $"SYSTEM:echo region={instance.Region}"]));
            }
            foreach (var region in RegionsMesh.Regions)
            {
                var answer = await Eventually.Succeeds(async () =>
                {
                    var result = await mesh.ExecAsync($"c-{region}", "bash", "-c", $"echo hi | socat -t 2 - UDP4:{mesh.V4}:8080");
                    return result.Stdout.Contains("region=", StringComparison.Ordinal)
                        ? result.Stdout.Trim()
                        : throw new TimeoutException($"no answer in {region}: {result.Stdout} {result.Stderr}");
                }, TimeSpan.FromSeconds(30));
                Assert.Equal($"region={region}", answer);
            }
        }
        finally
        {
            foreach (var server in servers) await server.DisposeAsync();
        }
    }
}
