using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using Mesh.Interfaces;
using Mesh.Tests.Cluster;
using Mesh.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Mesh.Tests.Regions;

/// <summary>
/// The multi-region mesh of deploy/mesh-regions on this host: three regions in network
/// namespaces, anycast from a client namespace per region, the 6PN private network with
/// .internal DNS and org isolation, health checks, measured RTT, and faults under a running client.
/// </summary>
[Collection(RegionsTests.Name)]
public sealed class MultiRegionMeshTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);

    private static string First(string body) => body.Split('\n')[0];

    [Fact]
    public async Task Anycast_private_network_dns_isolation_health_and_rtt_across_three_regions()
    {
        await using var mesh = await RegionsMesh.UpAsync();
        var url = $"http://{mesh.V4}/";

        // One address, three regions: each client reaches its own region's gateway and instance.
        foreach (var region in RegionsMesh.Regions)
        {
            Assert.Contains($"region={region} via={region}", First(await mesh.CurlAsync($"c-{region}", url)));
        }

        var instances = (await mesh.InstancesAsync("hello")).ToDictionary(i => i.Region);
        Assert.Equal(RegionsMesh.Regions.Order(), instances.Keys.Order());
        // Outbound: each region's egress address, not the private one (EgressRegionsTests).
        Assert.All(instances.Values, i => Assert.NotEqual(i.PrivateIp, i.OutboundIp));
        Assert.All(instances.Values, i => Assert.StartsWith("fdaa:", i.PrivateIp));
        var (ams, sin) = (instances["ams"], instances["sin"]);

        // .internal DNS from inside an instance, and connections over the private network.
        var all = await mesh.ExecAsync($"i-{ams.Id}", "dig", "+short", "AAAA", "hello.internal");
        Assert.Equal(instances.Values.Select(i => i.PrivateIp).Order(), all.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Order());
        Assert.Equal(sin.PrivateIp, (await mesh.ExecAsync($"i-{sin.Id}", "dig", "+short", "AAAA", "top1.nearest.of.hello.internal")).Stdout.Trim());
        Assert.Equal(ams.PrivateIp, (await mesh.ExecAsync($"i-{ams.Id}", "dig", "+short", "AAAA", "top1.nearest.of.hello.internal")).Stdout.Trim());
        Assert.Equal("\"ams,iad,sin\"", (await mesh.ExecAsync($"i-{ams.Id}", "dig", "+short", "TXT", "regions.hello.internal")).Stdout.Trim());
        Assert.Contains($"instance={sin.Id} region=sin", await mesh.CurlAsync($"i-{ams.Id}", "http://sin.hello.internal:8080/"));
        Assert.Contains($"instance={ams.Id}", await mesh.CurlAsync($"i-{sin.Id}", $"http://{ams.Id}.vm.hello.internal:8080/"));

        // A second org: its own names only, and no way into the first org's instances.
        Assert.Equal(0, (await mesh.CliAsync("apps", "create", "other", "--org", "acme")).ExitCode);
        using var dir = new TempDir();
        var toml = Path.Combine(dir.Path, "fly.toml");
        await File.WriteAllTextAsync(toml, "app = \"other\"\n[http_service]\n  internal_port = 8080\n");
        Assert.Equal(0, (await mesh.CliAsync("deploy", "-a", "other", "-c", toml)).ExitCode);
        var other = (await RegionsMesh.RunAsync("add-instance", "other", "ams")).Stdout.Trim().Split('\n')[^1];
        Assert.Contains("status: NXDOMAIN", (await mesh.ExecAsync($"i-{other}", "dig", "AAAA", "hello.internal")).Stdout);
        Assert.Equal("\"other\"", (await mesh.ExecAsync($"i-{other}", "dig", "+short", "TXT", "_apps.internal")).Stdout.Trim());
        Assert.Contains($"instance={other}", await mesh.CurlAsync($"i-{other}", "http://other.internal:8080/"));
        var intrusion = await mesh.ExecAsync($"i-{other}", "curl", "-s", "--max-time", "5", $"http://[{ams.PrivateIp}]:8080/");
        Assert.NotEqual(0, intrusion.ExitCode);
        Assert.DoesNotContain("instance=", intrusion.Stdout);

        // Health: a failing http check takes the ams instance out of every gateway's candidates;
        // the ams client then goes to the nearest other region, and comes back when it passes.
        var probe = await mesh.ProbeAsync("ams", url);
        var mark = probe.Mark();
        await File.WriteAllTextAsync($"{RegionsMesh.StateDir}/unhealthy-{ams.Id}", "");
        var failing = Stopwatch.StartNew();
        var moved = await probe.WaitAsync(mark, 20, r => r.Ok && r.Text.Contains("region=iad"), Deadline);
        output.WriteLine($"health: traffic left the failing instance after {failing.ElapsedMilliseconds} ms (check interval 1 s); failed requests meanwhile: {moved.Count(r => !r.Ok)}");
        var afterSwitch = moved.SkipWhile(r => !r.Text.Contains("region=iad")).ToList();
        Assert.All(afterSwitch, r => Assert.DoesNotContain($"instance={ams.Id}", r.Text));
        mark = probe.Mark();
        File.Delete($"{RegionsMesh.StateDir}/unhealthy-{ams.Id}");
        await probe.WaitAsync(mark, 5, r => r.Ok && r.Text.Contains($"instance={ams.Id}"), Deadline);
        Assert.All(probe.Results, r => Assert.True(r.Ok, r.Text));

        // Measured RTT: the gateways publish it, the CLI shows it.
        await Eventually.Succeeds(async () =>
        {
            var regions = await mesh.CliAsync("regions", "list", "--json");
            if (regions.ExitCode != 0) throw new TimeoutException(regions.Stderr);
            using var doc = JsonDocument.Parse(regions.Stdout);
            var row = doc.RootElement.EnumerateArray().Single(r => r.GetProperty("code").GetString() == "ams").GetProperty("rtt");
            return row.GetProperty("iad").GetProperty("measured").GetBoolean() ? true : throw new TimeoutException("not measured yet");
        }, Deadline);
        Assert.Contains("*", (await mesh.CliAsync("regions", "list", "--rtt")).Stdout);

        await MeasurePropagationAsync(instances["iad"].Id);

        // Down leaves nothing behind: no process, namespace, host link or state.
        var pids = Directory.GetFiles($"{RegionsMesh.StateDir}/pids").Select(f => int.Parse(File.ReadAllText(f).Trim())).ToList();
        Assert.Equal(12, pids.Count); // redis, the internet's whoami, 3 silos, 3 gateways, 4 instances
        Assert.Equal(0, (await RegionsMesh.RunAsync("down")).ExitCode);
        Assert.DoesNotContain(RegionsMesh.Name + "-", (await Tool.RunAsync("ip", ["netns", "list"])).Stdout);
        Assert.DoesNotContain(RegionsMesh.Name + "-h", (await Tool.RunAsync("ip", ["link", "show"])).Stdout);
        Assert.DoesNotContain("10.99.0.", (await Tool.RunAsync("ip", ["route", "show"])).Stdout);
        Assert.False(Directory.Exists(RegionsMesh.StateDir));
        Assert.All(pids, pid => Assert.False(IsRunning(pid), $"process {pid} is still running"));
        Assert.Empty(Directory.Exists("/etc/netns") ? Directory.GetDirectories("/etc/netns", RegionsMesh.Name + "-*") : []);
    }

    /// <summary>From a grain call that stops or starts an instance to every gateway holding the change, over 100 changes.</summary>
    private async Task MeasurePropagationAsync(string instanceId)
    {
        await using var client = await ClusterClientHost.ConnectAsync(RegionsMesh.Redis, "mesh", RegionsMesh.OperatorTls);
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        var instance = client.Client.GetGrain<IInstanceGrain>(instanceId);
        async Task<long> VersionOf(string region) =>
            (await http.GetFromJsonAsync<JsonElement>(RegionsMesh.AdminOf(region) + "/status")).GetProperty("tableVersion").GetInt64();
        var samples = new List<double>();
        for (var i = 0; i < 100; i++)
        {
            var before = await Task.WhenAll(RegionsMesh.Regions.Select(VersionOf));
            var started = Stopwatch.GetTimestamp();
            await (i % 2 == 0 ? instance.Stop() : instance.Start());
            for (var r = 0; r < RegionsMesh.Regions.Length; r++)
            {
                var until = DateTime.UtcNow + Deadline;
                while (await VersionOf(RegionsMesh.Regions[r]) <= before[r])
                {
                    Assert.True(DateTime.UtcNow < until, $"gateway {RegionsMesh.Regions[r]} never saw change {i}");
                }
            }
            samples.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        }
        samples.Sort();
        output.WriteLine($"propagation to all 3 gateways over {samples.Count} changes: median {samples[samples.Count / 2]:0.0} ms, p99 {samples[(int)(samples.Count * 0.99) - 1]:0.0} ms, max {samples[^1]:0.0} ms");
    }

    [Fact]
    public async Task Faults_with_clients_running_through_them()
    {
        await using var mesh = await RegionsMesh.UpAsync();
        var url = $"http://{mesh.V4}/";
        var amsClient = await mesh.ProbeAsync("ams", url);
        var iadClient = await mesh.ProbeAsync("iad", url);
        var instances = (await mesh.InstancesAsync("hello")).ToDictionary(i => i.Region);

        // A silo dies hard: the gateways keep serving from their tables; the CLI works again
        // once the cluster has declared it dead; nothing is lost; the silo comes back.
        var (amsMark, iadMark) = (amsClient.Mark(), iadClient.Mark());
        await RegionsMesh.RunAsync("kill", "silo-ams");
        var recovered = Stopwatch.StartNew();
        var listed = await Eventually.Succeeds(async () =>
        {
            var r = await mesh.CliAsync("instances", "list", "-a", "hello", "--json");
            return r.ExitCode == 0 ? r.Stdout : throw new TimeoutException(r.Stderr);
        }, TimeSpan.FromMinutes(3));
        output.WriteLine($"silo killed: CLI answered again after {recovered.ElapsedMilliseconds} ms");
        Assert.Equal(3, JsonDocument.Parse(listed).RootElement.GetArrayLength());
        Report("silo-ams killed", await amsClient.WaitAsync(amsMark, 100, r => r.Ok, Deadline), expectNoFailures: true);
        Report("silo-ams killed (iad client)", await iadClient.WaitAsync(iadMark, 100, r => r.Ok, Deadline), expectNoFailures: true);
        Assert.Equal(0, (await RegionsMesh.RunAsync("start", "silo-ams")).ExitCode);

        // A gateway dies: its region's clients lose it, other regions do not notice; it restarts.
        (amsMark, iadMark) = (amsClient.Mark(), iadClient.Mark());
        await RegionsMesh.RunAsync("kill", "gateway-ams");
        Report("gateway-ams killed (iad client)", await iadClient.WaitAsync(iadMark, 100, r => r.Ok, Deadline), expectNoFailures: true);
        Assert.Equal(0, (await RegionsMesh.RunAsync("start", "gateway-ams")).ExitCode);
        Report("gateway-ams killed and restarted (ams client)", await amsClient.WaitAsync(amsMark, 20, r => r.Ok, Deadline), expectNoFailures: false);

        // Redis restarts (append-only file on): the mesh recovers and has lost nothing.
        (amsMark, iadMark) = (amsClient.Mark(), iadClient.Mark());
        await RegionsMesh.RunAsync("stop", "redis");
        Assert.Equal(0, (await RegionsMesh.RunAsync("start", "redis")).ExitCode);
        recovered.Restart();
        await Eventually.Succeeds(async () =>
        {
            var r = await mesh.CliAsync("apps", "create", "after-redis");
            return r.ExitCode == 0 ? r.Stdout : throw new TimeoutException(r.Stderr);
        }, TimeSpan.FromMinutes(3));
        output.WriteLine($"redis restarted: a write succeeded after {recovered.ElapsedMilliseconds} ms");
        Assert.Equal(3, (await mesh.InstancesAsync("hello")).Count);
        Assert.Contains("hello", (await mesh.CliAsync("apps", "list")).Stdout);
        Report("redis restarted", await amsClient.WaitAsync(amsMark, 100, r => r.Ok, Deadline), expectNoFailures: true);
        Report("redis restarted (iad client)", await iadClient.WaitAsync(iadMark, 100, r => r.Ok, Deadline), expectNoFailures: true);

        // An instance stops (its process dies, and it is marked stopped): the request in flight
        // to it fails (a POST: a bodiless request that never got an answer may be retried
        // elsewhere), new ones go to the next region.
        var ams = instances["ams"];
        var inFlight = await StartSlowRequestAsync(mesh, url, ams.Id);
        amsMark = amsClient.Mark();
        var killed = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        await RegionsMesh.RunAsync("kill", $"inst-{ams.Id}");
        Assert.Equal(0, (await mesh.CliAsync("instances", "stop", ams.Id)).ExitCode);
        Assert.NotEqual("200", await inFlight);
        var after = await amsClient.WaitAsync(amsMark, 50, r => r.Ok && r.Text.Contains("region=iad"), Deadline);
        var firstElsewhere = after.First(r => r.Ok && r.Text.Contains("region=iad")).UnixMs;
        output.WriteLine($"instance killed: first request answered by iad {Math.Max(0, firstElsewhere - killed)} ms after the kill");
        Report("instance killed", after, expectNoFailures: false);
        Assert.True(after.SkipWhile(r => !r.Text.Contains("region=iad")).All(r => r.Ok && !r.Text.Contains($"instance={ams.Id}")));
    }

    /// <summary>Alive: a /proc entry that is not a zombie waiting to be reaped.</summary>
    private static bool IsRunning(int pid)
    {
        try
        {
            return File.ReadAllText($"/proc/{pid}/stat").Split(' ')[2] != "Z";
        }
        catch (IOException)
        {
            return false;
        }
    }

    /// <summary>
    /// A POST to /slow, forced to the instance, once the instance has it in hand. It is sent
    /// again if it ends before reaching the instance (seen in 2 of about 10 runs right after the
    /// Redis restart: a 502 that the test output records, for the record).
    /// </summary>
    private async Task<Task<string>> StartSlowRequestAsync(RegionsMesh mesh, string url, string instanceId)
    {
        var log = $"{RegionsMesh.StateDir}/logs/inst-{instanceId}.log";
        for (var attempt = 1; ; attempt++)
        {
            var inFlight = mesh.CurlAsync("c-ams", url + "slow", "-o", "/dev/null", "-w", "%{http_code}", "--max-time", "60", "-X", "POST", "-d", "order=" + attempt,
                "-H", $"Fly-Force-Instance-Id: {instanceId}");
            var started = FileText.WaitForAsync(log, "slow request started", Deadline);
            if (await Task.WhenAny(started, inFlight) == started)
            {
                await started;
                return inFlight;
            }
            var gateway = await File.ReadAllLinesAsync($"{RegionsMesh.StateDir}/logs/gateway-ams.log");
            output.WriteLine($"slow request attempt {attempt} ended with {await inFlight} before reaching the instance; gateway log:\n{string.Join("\n", gateway.TakeLast(30))}");
            Assert.True(attempt < 3, "the slow request never reached the instance");
        }
    }

    private void Report(string fault, IReadOnlyList<ProbeClient.Result> window, bool expectNoFailures)
    {
        var failures = window.Count(r => !r.Ok);
        output.WriteLine($"{fault}: {window.Count} requests, {failures} failed");
        if (expectNoFailures) Assert.True(failures == 0, $"{fault}: {string.Join(" | ", window.Where(r => !r.Ok).Take(5).Select(r => r.Text))}");
    }
}
