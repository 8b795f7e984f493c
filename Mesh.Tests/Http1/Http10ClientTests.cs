using Mesh.Tests.Cluster;
using Mesh.Tests.Infrastructure;

namespace Mesh.Tests.Http1;

/// <summary>
/// HTTP/1.0 clients (RFC 9112 §9.3, appendix C.2.2): they cannot read chunked framing, so the answer
/// is framed by Content-Length or by closing the connection; the connection ends after the
/// answer unless the client asked for <c>Connection: keep-alive</c> (as <c>ab -k</c> does).
/// </summary>
[Collection(Http1Gateway.Collection)]
public sealed class Http10ClientTests(Http1Gateway gateway)
{
    [Fact]
    public async Task A_chunked_app_answer_reaches_an_http10_client_unchunked_and_the_connection_closes()
    {
        await using var client = await Http1Client.ConnectAsync(gateway.V4);
        await client.SendAsync("GET /chunked HTTP/1.0\r\nHost: app.test\r\n\r\n");
        var answer = await client.ReadResponseAsync();
        Assert.True(answer.Status == 200, answer.ToString());
        Assert.False(answer.IsChunked, answer.ToString());
        Assert.Equal(ScriptedHttp1App.ChunkedBody, answer.BodyText);
        Assert.True(await client.ServerClosesAsync(), "the connection stayed open after an HTTP/1.0 answer");
    }

    [Fact]
    public async Task An_http10_client_gets_a_content_length_answer_and_the_connection_closes()
    {
        await using var client = await Http1Client.ConnectAsync(gateway.V4);
        await client.SendAsync("GET /old HTTP/1.0\r\nHost: app.test\r\n\r\n");
        var answer = await client.ReadResponseAsync();
        Assert.True(answer.Status == 200, answer.ToString());
        Assert.False(answer.IsChunked, answer.ToString());
        Assert.StartsWith("GET /old\nbody=\n", answer.BodyText);
        Assert.True(await client.ServerClosesAsync(), "the connection stayed open after an HTTP/1.0 answer");
    }

    [Fact]
    public async Task An_http10_client_that_asks_for_keep_alive_keeps_its_connection()
    {
        await using var client = await Http1Client.ConnectAsync(gateway.V4);
        for (var i = 0; i < 2; i++)
        {
            await client.SendAsync($"GET /kept/{i} HTTP/1.0\r\nHost: app.test\r\nConnection: keep-alive\r\n\r\n");
            var answer = await client.ReadResponseAsync();
            Assert.True(answer.Status == 200, answer.ToString());
            Assert.False(answer.IsChunked, answer.ToString());
            Assert.NotNull(answer.Header("Content-Length"));
            // An HTTP/1.0 client keeps the connection only when the answer says so.
            Assert.Equal("keep-alive", answer.Header("Connection")?.ToLowerInvariant());
            Assert.StartsWith($"GET /kept/{i}\n", answer.BodyText);
        }
    }
}
