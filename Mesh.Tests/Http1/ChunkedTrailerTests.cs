using Mesh.Tests.Cluster;
using Mesh.Tests.Infrastructure;

namespace Mesh.Tests.Http1;

/// <summary>
/// Chunked bodies in both directions (RFC 9112 §7.1), trailer fields included (§7.1.2): what the
/// client sends reaches the app whole, and what the app sends reaches an HTTP/1.1 client whole.
/// The trailer cases are marked <c>Requires=Http1FastPath</c>: the Kestrel + YARP path drops
/// both (Kestrel writes no HTTP/1.1 response trailers, HttpClient sends no request trailers).
/// </summary>
[Collection(Http1Gateway.Collection)]
public sealed class ChunkedTrailerTests(Http1Gateway gateway)
{
    private static Task<CliResult> Curl(params string[] args) => Tool.RunAsync("curl", ["-s", "-i", "--max-time", "20", .. args]);

    private ScriptedRequest Received(string target) => gateway.App.Requests.Last(r => r.Target == target);

    [Fact]
    public async Task A_chunked_request_body_reaches_the_app_whole()
    {
        await using var client = await Http1Client.ConnectAsync(gateway.V4);
        await client.SendAsync("POST /upload/plain HTTP/1.1\r\nHost: app.test\r\nTransfer-Encoding: chunked\r\n\r\n"
            + "6\r\nhello,\r\n8\r\n chunked\r\n6;ext=1\r\n world\r\n0\r\n\r\n");
        var answer = await client.ReadResponseAsync();
        Assert.True(answer.Status == 200, answer.ToString());
        Assert.Contains("body=hello, chunked world\n", answer.BodyText);
        Assert.Equal("hello, chunked world", System.Text.Encoding.ASCII.GetString(Received("/upload/plain").Body));
    }

    [Fact]
    [Trait("Requires", "Http1FastPath")]
    public async Task A_chunked_request_bodys_trailer_field_reaches_the_app()
    {
        await using var client = await Http1Client.ConnectAsync(gateway.V4);
        await client.SendAsync("POST /upload/trailer HTTP/1.1\r\nHost: app.test\r\nTransfer-Encoding: chunked\r\nTrailer: X-Checksum\r\n\r\n"
            + "5\r\nhello\r\n0\r\nX-Checksum: 42\r\n\r\n");
        var answer = await client.ReadResponseAsync();
        Assert.True(answer.Status == 200, answer.ToString());
        var seen = Received("/upload/trailer");
        Assert.Equal("hello", System.Text.Encoding.ASCII.GetString(seen.Body));
        Assert.Contains("X-Checksum: 42", seen.Trailers);
    }

    [Fact]
    [Trait("Requires", "Http1FastPath")]
    public async Task A_chunked_response_reaches_an_http11_client_with_its_trailers()
    {
        await using var client = await Http1Client.ConnectAsync(gateway.V4);
        await client.SendAsync("GET /trailers HTTP/1.1\r\nHost: app.test\r\nTE: trailers\r\n\r\n");
        var answer = await client.ReadResponseAsync();
        Assert.True(answer.Status == 200, answer.ToString());
        Assert.Equal(ScriptedHttp1App.TrailerBody, answer.BodyText);
        Assert.True(answer.IsChunked, answer.ToString());
        Assert.True(answer.Trailer("X-Checksum") == ScriptedHttp1App.Checksum, $"the trailer was lost: {answer}");
        // The connection is still in step for the next request.
        await client.SendAsync("GET /after-trailers HTTP/1.1\r\nHost: app.test\r\n\r\n");
        Assert.StartsWith("GET /after-trailers\n", (await client.ReadResponseAsync()).BodyText);
    }

    [Fact]
    [Trait("Requires", "Http1FastPath")]
    public async Task Curl_raw_shows_the_response_trailers()
    {
        var r = await Curl("--http1.1", "--raw", "-H", "TE: trailers", $"http://{gateway.V4}/trailers");
        Assert.StartsWith("HTTP/1.1 200", r.Stdout);
        Assert.Contains($"9\r\n{ScriptedHttp1App.TrailerBody}\r\n", r.Stdout);
        Assert.Contains($"0\r\nX-Checksum: {ScriptedHttp1App.Checksum}\r\n", r.Stdout);
    }

    [Fact]
    public async Task A_chunked_response_in_several_chunks_reaches_the_client_whole()
    {
        var r = await Curl("--http1.1", $"http://{gateway.V4}/chunked");
        Assert.StartsWith("HTTP/1.1 200", r.Stdout);
        Assert.EndsWith("\r\n\r\n" + ScriptedHttp1App.ChunkedBody, r.Stdout);
    }
}
