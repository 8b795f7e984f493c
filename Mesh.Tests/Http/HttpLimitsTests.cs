using Mesh.Tests.Infrastructure;

namespace Mesh.Tests.Http;

/// <summary>
/// The HTTP path shares the TCP path's forwarding core: a request at a full hard limit waits in
/// the bounded queue for a slot, and an app's requests in flight count against its cap.
/// </summary>
public sealed class HttpLimitsTests
{
    private const string OneSlot = "[http_service]\n  internal_port = 8080\n  [http_service.concurrency]\n    soft_limit = 1\n    hard_limit = 1\n";

    private static Task<CliResult> Curl(params string[] args) => Tool.RunAsync("curl", ["-s", "-i", "--max-time", "50", .. args]);

    [Fact]
    public async Task A_request_at_a_full_hard_limit_waits_for_the_freed_slot()
    {
        await using var edge = await EmbeddedEdge.StartAsync();
        await using var echo = await HttpEchoApp.StartAsync("wait-1");
        var v4 = (await edge.DeployWithV4Async("waits", OneSlot, [("ams", echo.Address)])).V4;
        var gateway = await edge.StartGatewayAsync("ams", "--Mesh:Gateway:QueueTimeout=00:00:45");

        // /slow holds the one slot; the next request queues until the holder's client goes away.
        var holder = RunningProcess.Start("curl", ["-s", "--max-time", "50", $"http://{v4}/slow"]);
        await echo.SlowStarted.WaitAsync(TimeSpan.FromSeconds(60));
        var waiting = Curl($"http://{v4}/");
        await Eventually.Until(() => gateway.CounterAsync("upstream.queued"), n => n >= 1, TimeSpan.FromSeconds(30));
        await holder.DisposeAsync();

        var answer = await waiting;
        Assert.StartsWith("HTTP/1.1 200", answer.Stdout);
        Assert.Contains("instance=wait-1", answer.Stdout);
        Assert.Equal(0, await gateway.CounterAsync("error.limit_reached"));
    }

    [Fact]
    public async Task Requests_in_flight_count_against_the_apps_connection_cap()
    {
        await using var edge = await EmbeddedEdge.StartAsync();
        await using var echo = await HttpEchoApp.StartAsync("cap-1");
        var v4 = (await edge.DeployWithV4Async("capped", "[http_service]\n  internal_port = 8080\n", [("ams", echo.Address)])).V4;
        var gateway = await edge.StartGatewayAsync("ams", "--Mesh:Gateway:MaxConnectionsPerApp=1");

        await using var holder = RunningProcess.Start("curl", ["-s", "--max-time", "50", $"http://{v4}/slow"]);
        await echo.SlowStarted.WaitAsync(TimeSpan.FromSeconds(60));
        var refused = await Curl($"http://{v4}/");
        Assert.StartsWith("HTTP/1.1 503", refused.Stdout);
        Assert.Contains("request id", refused.Stdout);
        Assert.Equal(1, await gateway.CounterAsync("error.app_connection_limit"));
    }
}
