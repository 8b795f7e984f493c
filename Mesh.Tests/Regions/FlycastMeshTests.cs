using System.Text.Json;
using Mesh.Tests.Cluster;
using Mesh.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Mesh.Tests.Regions;

/// <summary>
/// Flycast in the three-region mesh of deploy/mesh-regions: an app's private address, reached by
/// name (<c>APP.flycast</c> through the private network's DNS) from an instance of the same org,
/// through its region's gateway to the nearest healthy instance with the platform headers; another
/// org and the public can neither resolve nor connect.
/// </summary>
[Collection(RegionsTests.Name)]
public sealed class FlycastMeshTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);

    private static string First(string body) => body.Split('\n')[0];

    [Fact]
    public async Task An_org_instance_reaches_the_nearest_healthy_instance_by_flycast_and_other_orgs_and_the_public_do_not()
    {
        await using var mesh = await RegionsMesh.UpAsync();
        var allocated = await mesh.CliAsync("ips", "allocate-v6", "--private", "-a", "hello", "--json");
        Assert.True(allocated.ExitCode == 0, allocated.Stderr);
        var flycast = JsonDocument.Parse(allocated.Stdout).RootElement.GetProperty("address").GetString()!;
        Assert.Contains(":0:1::", flycast);
        var listed = (await mesh.CliAsync("ips", "list", "-a", "hello")).Stdout.Split('\n');
        Assert.Contains(listed, l => l.StartsWith("v6 ", StringComparison.Ordinal) && l.Contains(flycast, StringComparison.Ordinal) && l.Contains("private ingress", StringComparison.Ordinal));

        // A second app of the same org calls hello from its instance in ams.
        using var dir = new TempDir();
        var toml = Path.Combine(dir.Path, "fly.toml");
        await File.WriteAllTextAsync(toml, "[http_service]\n  internal_port = 8080\n");
        Assert.Equal(0, (await mesh.CliAsync("apps", "create", "caller")).ExitCode);
        Assert.Equal(0, (await mesh.CliAsync("deploy", "-a", "caller", "-c", toml)).ExitCode);
        var caller = (await RegionsMesh.RunAsync("add-instance", "caller", "ams")).Stdout.Trim().Split('\n')[^1];
        var callerIp = (await mesh.InstancesAsync("caller")).Single().PrivateIp;
        var hello = (await mesh.InstancesAsync("hello")).ToDictionary(i => i.Region);

        Assert.Equal(flycast, (await mesh.ExecAsync($"i-{caller}", "dig", "+short", "AAAA", "hello.flycast")).Stdout.Trim());
        var body = await Eventually.Succeeds(async () =>
        {
            var b = await mesh.CurlAsync($"i-{caller}", "http://hello.flycast/");
            return b.Contains("instance=") ? b : throw new TimeoutException($"no answer through hello.flycast yet: '{b}'");
        }, Deadline);
        output.WriteLine(body);
        Assert.Contains($"instance={hello["ams"].Id} region=ams via=ams", First(body));
        var headers = body.Split('\n').Skip(1).ToList();
        Assert.Contains($"fly-client-ip: {callerIp}", headers, StringComparer.OrdinalIgnoreCase);
        Assert.Contains(headers, h => h.StartsWith("x-forwarded-for: ", StringComparison.OrdinalIgnoreCase) && h.EndsWith(callerIp, StringComparison.Ordinal));
        Assert.Contains("fly-forwarded-port: 80", headers, StringComparer.OrdinalIgnoreCase);
        // The address literal works as well as the name.
        Assert.Contains($"instance={hello["ams"].Id}", await mesh.CurlAsync($"i-{caller}", $"http://[{flycast}]/"));

        // The nearest instance stops: the same name goes to the next region, like public traffic.
        Assert.Equal(0, (await mesh.CliAsync("instances", "stop", hello["ams"].Id)).ExitCode);
        await Eventually.Succeeds(async () =>
        {
            var b = await mesh.CurlAsync($"i-{caller}", "http://hello.flycast/");
            return First(b).Contains($"instance={hello["iad"].Id} region=iad via=ams") ? b : throw new TimeoutException($"still '{First(b)}'");
        }, Deadline);
        Assert.Equal(0, (await mesh.CliAsync("instances", "start", hello["ams"].Id)).ExitCode);

        // Another org: no such name, and its connection to the address is closed and counted.
        Assert.Equal(0, (await mesh.CliAsync("apps", "create", "other", "--org", "acme")).ExitCode);
        Assert.Equal(0, (await mesh.CliAsync("deploy", "-a", "other", "-c", toml)).ExitCode);
        var other = (await RegionsMesh.RunAsync("add-instance", "other", "ams")).Stdout.Trim().Split('\n')[^1];
        Assert.Contains("status: NXDOMAIN", (await mesh.ExecAsync($"i-{other}", "dig", "AAAA", "hello.flycast")).Stdout);
        var intrusion = await mesh.ExecAsync($"i-{other}", "curl", "-s", "--max-time", "5", $"http://[{flycast}]/");
        Assert.NotEqual(0, intrusion.ExitCode);
        Assert.DoesNotContain("instance=", intrusion.Stdout);
        // Nor the public, from a region's client namespace.
        var outside = await mesh.ExecAsync("c-ams", "curl", "-s", "--max-time", "5", $"http://[{flycast}]/");
        Assert.NotEqual(0, outside.ExitCode);
        Assert.DoesNotContain("instance=", outside.Stdout);
        using (var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) })
        {
            // The exporter caches a scrape briefly: ask until the counter shows.
            await Eventually.Succeeds(async () =>
            {
                var metrics = await http.GetStringAsync(RegionsMesh.AdminOf("ams") + "/metrics");
                return metrics.Split('\n').Any(l => l.Contains("reason=\"flycast_source_refused\"", StringComparison.Ordinal) && !l.StartsWith('#'))
                    ? metrics : throw new TimeoutException("flycast_source_refused not counted yet");
            }, Deadline);
        }

        // Exposed to the other org (--org): an address in its network, which only it resolves.
        var exposed = await mesh.CliAsync("ips", "allocate-v6", "--private", "-a", "hello", "--org", "acme", "--json");
        Assert.True(exposed.ExitCode == 0, exposed.Stderr);
        var acmeFlycast = JsonDocument.Parse(exposed.Stdout).RootElement.GetProperty("address").GetString()!;
        Assert.Equal(acmeFlycast, (await mesh.ExecAsync($"i-{other}", "dig", "+short", "AAAA", "hello.flycast")).Stdout.Trim());
        Assert.Equal(flycast, (await mesh.ExecAsync($"i-{caller}", "dig", "+short", "AAAA", "hello.flycast")).Stdout.Trim());
        Assert.Contains("instance=", await mesh.CurlAsync($"i-{other}", "http://hello.flycast/"));

        // Released: the name is gone and the address no longer answers.
        Assert.Equal(0, (await mesh.CliAsync("ips", "release", flycast, "-a", "hello")).ExitCode);
        Assert.DoesNotContain(flycast, (await mesh.CliAsync("ips", "list", "-a", "hello")).Stdout);
        await Eventually.Succeeds(async () =>
        {
            var dig = await mesh.ExecAsync($"i-{caller}", "dig", "AAAA", "hello.flycast");
            return dig.Stdout.Contains("status: NXDOMAIN") ? dig : throw new TimeoutException(dig.Stdout);
        }, Deadline);
        var gone = await mesh.ExecAsync($"i-{caller}", "curl", "-s", "--max-time", "5", $"http://[{flycast}]/");
        Assert.DoesNotContain("instance=", gone.Stdout);
    }
}
