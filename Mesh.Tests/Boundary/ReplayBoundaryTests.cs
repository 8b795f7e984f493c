using System.Text.RegularExpressions;
using Mesh.Interfaces;
using Mesh.Interfaces.Model;
using Mesh.Tests.Cluster;
using Mesh.Tests.Infrastructure;

namespace Mesh.Tests.Boundary;

/// <summary><c>fly-replay: app=</c> through a real gateway: honoured within the replying app's org only.</summary>
[Collection(Gateway.GatewayProcessTests.Name)]
public sealed class ReplayBoundaryTests
{
    private const string Web = "[http_service]\n  internal_port = 8080\n";

    private static Task<CliResult> Curl(string url) => Tool.RunAsync("curl", ["-s", "-i", "--max-time", "20", url]);

    /// <summary>
    /// What a client could compare between two answers: the status line, the header names and the
    /// body, with the request id and the named app blanked.
    /// </summary>
    private static string Shape(string response, string app)
    {
        var text = Regex.Replace(response.Replace("\r", "").Replace(app, "APP"), "[0-9A-Z]{26}-ams", "ID");
        var head = text[..text.IndexOf("\n\n", StringComparison.Ordinal)].Split('\n');
        var body = text[(text.IndexOf("\n\n", StringComparison.Ordinal) + 2)..];
        return string.Join("\n", [head[0], .. head.Skip(1).Select(h => h[..h.IndexOf(':')]).Order(StringComparer.OrdinalIgnoreCase), body]);
    }

    [Fact]
    public async Task Replay_to_another_orgs_app_is_refused_counted_and_answered_like_a_missing_app()
    {
        await using var edge = await EmbeddedEdge.StartAsync();
        await using var replayer = await HttpEchoApp.StartAsync("replayer-1");
        await using var sibling = await HttpEchoApp.StartAsync("sibling-1");
        await using var victim = await CountingHttpApp.StartAsync(http10: false);
        var (_, v4) = await edge.DeployWithV4Async("replayer", Web, ("ams", replayer.Address));
        await edge.DeployWithV4Async("sibling", Web, ("ams", sibling.Address));
        var other = edge.Grains.GetGrain<IAppGrain>("victim");
        await other.Create("acme");
        await other.Deploy(Web);
        await other.AddInstance(new InstanceRegistration("ams", victim.Address, []));
        var gateway = await edge.StartGatewayAsync();

        // Same org: replayed.
        Assert.Contains("instance=sibling-1", (await Curl($"http://{v4}/replay?to=app%3Dsibling")).Stdout);

        var refused = (await Curl($"http://{v4}/replay?to=app%3Dvictim")).Stdout;
        var missing = (await Curl($"http://{v4}/replay?to=app%3Dghost")).Stdout;
        Assert.StartsWith("HTTP/1.1 502", refused);
        Assert.Contains("replay to app victim, which does not serve port 80", refused);
        Assert.Equal(Shape(missing, "ghost"), Shape(refused, "victim"));
        Assert.Equal(0, victim.Connections);

        Assert.Equal(1, await gateway.CounterAsync("error.replay_refused"));
        Assert.Equal(1, await gateway.CounterAsync("error.replay_no_route"));
        var metrics = await new HttpClient().GetStringAsync(gateway.Admin + "/metrics");
        Assert.Contains("reason=\"replay_refused\"", metrics);
    }
}
