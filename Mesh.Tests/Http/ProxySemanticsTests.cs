using System.Text;
using Mesh.Tests.Cluster;
using Mesh.Tests.Gateway;
using Mesh.Tests.Infrastructure;

namespace Mesh.Tests.Http;

/// <summary>
/// What RFC 9110/9112 ask of a proxy, checked with curl and raw sockets through a real gateway in
/// front of an app that records what it receives: hop-by-hop headers, Via, CONNECT, OPTIONS *,
/// absolute-form targets, stalled bodies.
/// </summary>
[Collection(Gateway.GatewayProcessTests.Name)]
public sealed class ProxySemanticsTests(RecordingGateway gateway) : IClassFixture<RecordingGateway>
{
    private static Task<CliResult> Curl(params string[] args) => Tool.RunAsync("curl", ["-s", "-i", "--max-time", "20", .. args]);

    private RecordedRequest Received(string path) => gateway.App.Requests.Last(r => r.RequestLine.StartsWith($"{(r.RequestLine.Split(' ')[0])} {path} ", StringComparison.Ordinal));

    private async Task<string> RawAsync(string address, string request)
    {
        using var client = await Wire.ConnectAsync(address, 80);
        await client.SendAsync(Encoding.ASCII.GetBytes(request));
        return await Wire.ReadToEndAsync(client, TimeSpan.FromSeconds(30));
    }

    [Fact]
    public async Task Headers_named_in_Connection_stay_on_their_hop_in_both_directions()
    {
        // (Kestrel keeps only "close" of a Connection field that has it, so the client keeps alive here.)
        var r = await Curl("--http1.1", "-H", "Connection: X-Foo", "-H", "X-Foo: secret", "-H", "X-Bar: kept", $"http://{gateway.V4}/hop");
        var answer = r.Stdout;
        Assert.StartsWith("HTTP/1.1 200", answer);
        var seen = Received("/hop");
        Assert.Null(seen.Header("X-Foo"));
        Assert.Equal("kept", seen.Header("X-Bar"));
        // The app's own Connection names X-App-Hop: the client never sees it.
        Assert.DoesNotContain("X-App-Hop", answer, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("X-App-Kept: kept", answer);
    }

    [Fact]
    public async Task Via_names_the_gateway_with_the_protocol_version_of_each_hop()
    {
        var h1 = await Curl("--http1.1", $"http://{gateway.V4}/via1");
        Assert.Contains("Via: 1.0 app-cache, 1.1 mesh", h1.Stdout);
        Assert.Equal("1.1 mesh", Received("/via1").Header("Via"));
        var h2 = await Curl("--http2-prior-knowledge", "-H", "Via: 1.1 corporate-proxy", $"http://{gateway.V4}/via2");
        Assert.Contains("via: 1.0 app-cache, 2 mesh", h2.Stdout, StringComparison.OrdinalIgnoreCase);
        Assert.Equal("1.1 corporate-proxy, 2 mesh", Received("/via2").Header("Via"));
    }

    [Fact]
    public async Task Connect_is_refused_with_405_and_never_reaches_the_app()
    {
        var answer = await RawAsync(gateway.V4, "CONNECT other.example:443 HTTP/1.1\r\nHost: other.example:443\r\n\r\n");
        Assert.StartsWith("HTTP/1.1 405", answer);
        Assert.Matches("(?i)Fly-Request-Id: [0-9A-F]{26}-ams", answer);
        Assert.DoesNotContain(gateway.App.Requests, r => r.RequestLine.StartsWith("CONNECT", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Options_asterisk_is_answered_by_the_gateway_with_allow()
    {
        // The forwarder can only send origin-form targets (it would ask the app "OPTIONS /", another
        // question), so the gateway answers for the server, as RFC 9110 §9.3.7 allows.
        var answer = await RawAsync(gateway.V4, "OPTIONS * HTTP/1.1\r\nHost: app.test\r\nConnection: close\r\n\r\n");
        Assert.StartsWith("HTTP/1.1 200", answer);
        Assert.Contains("Allow: GET, HEAD, POST, PUT, DELETE, PATCH, OPTIONS", answer);
        Assert.DoesNotContain(gateway.App.Requests, r => r.RequestLine.StartsWith("OPTIONS /", StringComparison.Ordinal));
    }

    [Fact]
    public async Task An_absolute_form_target_is_routed_by_its_authority_not_the_Host_header()
    {
        // On the shared IPv4 the Host header would find no app; the target's authority does.
        var answer = await RawAsync(gateway.SharedV4, $"GET http://{RecordingGateway.Hostname}/absolute HTTP/1.1\r\nHost: nobody.example\r\nConnection: close\r\n\r\n");
        Assert.StartsWith("HTTP/1.1 200", answer);
        var seen = Received("/absolute");
        Assert.Equal(RecordingGateway.Hostname, seen.Header("Host"));
    }

    [Fact]
    public async Task A_client_that_stalls_its_body_gets_408_and_the_app_request_is_aborted()
    {
        using var client = await Wire.ConnectAsync(gateway.V4, 80);
        await client.SendAsync(Encoding.ASCII.GetBytes("POST /stall HTTP/1.1\r\nHost: app.test\r\nContent-Length: 100\r\n\r\n0123456789"));
        // Kestrel's minimum body data rate ends it after its grace period; no byte more is sent.
        var answer = await Wire.ReadToEndAsync(client, TimeSpan.FromSeconds(60));
        Assert.StartsWith("HTTP/1.1 408", answer);
        Assert.Matches("(?i)Fly-Request-Id: [0-9A-F]{26}-ams", answer);
        // The app saw the head and ten body bytes, then its connection ended: never a whole request.
        var aborted = await Eventually.Succeeds(() =>
            gateway.App.Requests.FirstOrDefault(r => r.RequestLine.StartsWith("POST /stall ", StringComparison.Ordinal)) is { } r
                ? Task.FromResult(r) : throw new TimeoutException("the app has not seen the end of /stall yet"), TimeSpan.FromSeconds(30));
        Assert.False(aborted.Complete);
    }
}
