using System.Net;
using System.Text;
using Mesh.Tests.Cluster;
using Mesh.Tests.Infrastructure;

namespace Mesh.Tests.Http2Upstream;

/// <summary>
/// h2 clients (h2c with prior knowledge, as HttpClient speaks it) in front of HTTP/1.1 apps: the
/// gateway's own upstream client (KestrelUpstreamForwarder) carries these requests over pooled
/// HTTP/1.1 connections, and the app and the client see what they saw through YARP.
/// </summary>
[Collection(Gateway.GatewayProcessTests.Name)]
public sealed class H2ClientUpstreamTests
{
    private const string WebConfig = "[http_service]\n  internal_port = 8080\n";
    private const string ByRequests = "[http_service]\n  internal_port = 8080\n  [http_service.concurrency]\n    type = \"requests\"\n";

    private static HttpClient H2Client(string v4) => new(new SocketsHttpHandler { UseProxy = false })
    {
        BaseAddress = new Uri($"http://{v4}/"),
        DefaultRequestVersion = HttpVersion.Version20,
        DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact,
        Timeout = TimeSpan.FromSeconds(20),
    };

    [Fact]
    public async Task An_h2_request_reaches_an_http11_app_with_the_platform_headers_and_answers_with_the_response_headers()
    {
        await using var edge = await EmbeddedEdge.StartAsync();
        await using var echo = await HttpEchoApp.StartAsync("web-1");
        var (_, v4) = await edge.DeployWithV4Async("web", WebConfig, ("ams", echo.Address));
        await edge.StartGatewayAsync();
        using var client = H2Client(v4);

        using var request = new HttpRequestMessage(HttpMethod.Get, "/p?q=1") { Version = HttpVersion.Version20, VersionPolicy = HttpVersionPolicy.RequestVersionExact };
        request.Headers.Add("Fly-Client-IP", "6.6.6.6");
        request.Headers.Add("Fly-Something", "spoof");
        request.Headers.Add("X-Forwarded-For", "1.2.3.4");
        request.Headers.Add("Via", "1.1 corporate-proxy");
        request.Headers.Add("X-Custom", "kept");
        using var response = await client.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpVersion.Version20, response.Version);
        Assert.Contains("GET /p?q=1 HTTP/1.1", body);
        Assert.Contains($"Host: {v4}", body);
        Assert.Contains("Fly-Client-IP: 127.0.0.1", body);
        Assert.Contains("X-Forwarded-For: 1.2.3.4, 127.0.0.1", body);
        Assert.Contains("X-Forwarded-Proto: http", body);
        Assert.Contains("Fly-Forwarded-Port: 80", body);
        Assert.Contains("Fly-Region: ams", body);
        Assert.Contains("Via: 1.1 corporate-proxy, 2 mesh", body);
        // h2 field names arrive lowercase, and go on as they came.
        Assert.Contains("x-custom: kept", body);
        Assert.Matches("Fly-Request-Id: [0-9A-F]{26}-ams", body);
        Assert.DoesNotContain("6.6.6.6", body);
        Assert.DoesNotContain("Fly-Something", body);
        Assert.Equal("web-1", response.Headers.GetValues("X-App").Single());
        Assert.Equal("2 mesh", response.Headers.Via.ToString());
        Assert.Equal("Mesh", response.Headers.Server.ToString());
        Assert.EndsWith("-ams", response.Headers.GetValues("Fly-Request-Id").Single());
    }

    [Fact]
    public async Task Trailers_of_a_chunked_http11_answer_reach_the_h2_client()
    {
        await using var edge = await EmbeddedEdge.StartAsync();
        await using var app = TrailerHttpApp.Start();
        var (_, v4) = await edge.DeployWithV4Async("trailers", ByRequests, ("ams", app.Address));
        await edge.StartGatewayAsync();
        using var client = H2Client(v4);

        for (var i = 0; i < 2; i++)
        {
            using var response = await client.GetAsync("/");
            Assert.Equal("hello world", await response.Content.ReadAsStringAsync());
            Assert.Equal("abc123", response.TrailingHeaders.GetValues("X-Checksum").Single());
        }
    }

    [Fact]
    public async Task An_h2_body_without_content_length_reaches_the_app_whole()
    {
        await using var edge = await EmbeddedEdge.StartAsync();
        await using var echo = await HttpEchoApp.StartAsync("web-1");
        var (_, v4) = await edge.DeployWithV4Async("upload", WebConfig, ("ams", echo.Address));
        await edge.StartGatewayAsync();
        using var client = H2Client(v4);
        var bytes = Encoding.ASCII.GetBytes(string.Concat(Enumerable.Range(0, 40_000).Select(i => (char)('a' + i % 26))));

        using var response = await client.PostAsync("/upload", new UnknownLengthContent(bytes, pieces: 7));
        var body = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("POST /upload HTTP/1.1", body);
        Assert.Contains($"body={bytes.Length}", body);
        Assert.Contains("Transfer-Encoding: chunked", body);
    }

    [Fact]
    public async Task Concurrency_by_requests_reuses_one_upstream_connection_for_h2_requests_and_by_connections_opens_one_each()
    {
        await using var edge = await EmbeddedEdge.StartAsync();
        await using var byRequest = await CountingHttpApp.StartAsync(http10: false);
        await using var byConnection = await CountingHttpApp.StartAsync(http10: false);
        var (_, v4Requests) = await edge.DeployWithV4Async("reqs", ByRequests, ("ams", byRequest.Address));
        var (_, v4Connections) = await edge.DeployWithV4Async("conns", WebConfig, ("ams", byConnection.Address));
        await edge.StartGatewayAsync();

        foreach (var v4 in new[] { v4Requests, v4Connections })
        {
            using var client = H2Client(v4);
            for (var i = 0; i < 5; i++)
            {
                using var response = await client.GetAsync("/");
                Assert.Equal(HttpVersion.Version20, response.Version);
                Assert.Equal("counted", await response.Content.ReadAsStringAsync());
            }
        }
        Assert.Equal(1, byRequest.Connections);
        Assert.Equal(5, byConnection.Connections);
    }

    [Fact]
    public async Task Many_streams_on_one_h2_connection_each_get_their_own_answer_and_a_client_that_leaves_mid_stream_harms_no_one()
    {
        await using var edge = await EmbeddedEdge.StartAsync();
        await using var echo = await HttpEchoApp.StartAsync("web-1");
        var (_, v4) = await edge.DeployWithV4Async("many", ByRequests, ("ams", echo.Address));
        await edge.StartGatewayAsync();

        // One connection, 200 streams at once: the responses leave the gateway in batches
        // (CoalescedOutput), and each must still be its own stream's answer, whole.
        using (var client = H2Client(v4))
        {
            var answers = await Task.WhenAll(Enumerable.Range(0, 200).Select(async i =>
            {
                using var response = await client.GetAsync($"/n/{i}");
                Assert.Equal(HttpVersion.Version20, response.Version);
                Assert.Equal(HttpStatusCode.OK, response.StatusCode);
                return (i, body: await response.Content.ReadAsStringAsync());
            }));
            foreach (var (i, body) in answers)
            {
                Assert.Contains($"GET /n/{i} HTTP/1.1", body);
                Assert.EndsWith("\n", body);
            }
        }

        // A client that goes away with streams in flight: the next client is served as before.
        var leaving = H2Client(v4);
        var pending = Enumerable.Range(0, 20).Select(_ => leaving.GetAsync("/slow")).ToList();
        using (var warm = await leaving.GetAsync("/ready"))
        {
            Assert.Equal(HttpStatusCode.OK, warm.StatusCode);
        }
        // At least one of them has reached the app: the client leaves with streams in flight.
        await echo.SlowStarted;
        leaving.Dispose();
        foreach (var request in pending)
        {
            await Assert.ThrowsAnyAsync<Exception>(() => request);
        }
        using var next = H2Client(v4);
        using var after = await next.GetAsync("/after");
        Assert.Contains("GET /after HTTP/1.1", await after.Content.ReadAsStringAsync());
    }
}
