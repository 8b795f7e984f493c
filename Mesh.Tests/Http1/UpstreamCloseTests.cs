using Mesh.Tests.Cluster;
using Mesh.Tests.Infrastructure;

namespace Mesh.Tests.Http1;

/// <summary>
/// Pooled upstream connections the app ends (concurrency "requests"): one the app closed while
/// idle never fails the next request (nothing of it was sent, so a fresh connection takes it),
/// but a request the app received before its connection died is answered 502 with the request
/// id, never silently sent again.
/// </summary>
[Collection(Http1Gateway.Collection)]
public sealed class UpstreamCloseTests(Http1Gateway gateway)
{
    private ScriptedHttp1App App => gateway.PooledApp;

    private static Task<CliResult> Curl(params string[] args) => Tool.RunAsync("curl", ["-s", "-i", "--max-time", "20", .. args]);

    /// <summary>Waits until the app has closed the connection that served an answer (its <c>X-Connection</c>).</summary>
    private Task AppClosedAsync(string? connection) =>
        Eventually.Until(() => Task.FromResult(App.HasEnded(int.Parse(connection!))), ended => ended, TimeSpan.FromSeconds(10));

    private static string? Header(string curlOutput, string name) =>
        curlOutput.Split("\r\n").TakeWhile(l => l.Length > 0).FirstOrDefault(l => l.StartsWith(name + ":", StringComparison.OrdinalIgnoreCase))?[(name.Length + 1)..].Trim();

    [Fact]
    public async Task The_next_request_succeeds_after_the_app_closed_a_kept_alive_connection()
    {
        for (var round = 0; round < 3; round++)
        {
            var first = await Curl($"http://{gateway.PooledV4}/then-close");
            Assert.StartsWith("HTTP/1.1 200", first.Stdout);
            // The app has closed the connection the gateway keeps for the next request.
            await AppClosedAsync(Header(first.Stdout, "X-Connection"));
            var next = await Curl("--data-binary", $"round-{round}", $"http://{gateway.PooledV4}/after-close");
            Assert.StartsWith("HTTP/1.1 200", next.Stdout);
            Assert.Contains($"POST /after-close\nbody=round-{round}\n", next.Stdout);
        }
        // Each POST reached the app once.
        Assert.Equal(3, App.Requests.Count(r => r.Target == "/after-close"));
    }

    [Fact]
    public async Task The_next_request_on_the_same_client_connection_succeeds_after_the_app_closed_its_connection()
    {
        await using var client = await Http1Client.ConnectAsync(gateway.PooledV4);
        await client.SendAsync("GET /then-close HTTP/1.1\r\nHost: app.test\r\n\r\n");
        var first = await client.ReadResponseAsync();
        Assert.True(first.Status == 200, first.ToString());
        await AppClosedAsync(first.Header("X-Connection"));
        await client.SendAsync("POST /after-close-same HTTP/1.1\r\nHost: app.test\r\nContent-Length: 4\r\n\r\nsame");
        var next = await client.ReadResponseAsync();
        Assert.True(next.Status == 200, next.ToString());
        Assert.StartsWith("POST /after-close-same\nbody=same\n", next.BodyText);
        Assert.NotEqual(first.Header("X-Connection"), next.Header("X-Connection"));
    }

    [Fact]
    public async Task A_post_whose_app_connection_dies_after_it_was_sent_gets_502_with_the_request_id_and_is_not_sent_again()
    {
        // A kept-alive connection first: the one a retry would be tempted to blame.
        Assert.StartsWith("HTTP/1.1 200", (await Curl($"http://{gateway.PooledV4}/warm")).Stdout);
        var answer = await Curl("--data-binary", "pay-once", $"http://{gateway.PooledV4}/die");
        Assert.StartsWith("HTTP/1.1 502", answer.Stdout);
        var id = System.Text.RegularExpressions.Regex.Match(answer.Stdout, "(?im)^Fly-Request-Id: ([0-9A-F]{26}-ams)\r$");
        Assert.True(id.Success, answer.Stdout);
        Assert.Contains($"request id {id.Groups[1].Value}", answer.Stdout);
        var posts = App.Requests.Where(r => r.Target == "/die").ToList();
        Assert.Single(posts);
        Assert.Equal("pay-once", System.Text.Encoding.ASCII.GetString(posts[0].Body));
    }
}
