using Mesh.Tests.Cluster;
using Mesh.Tests.Infrastructure;

namespace Mesh.Tests.Http1;

/// <summary>
/// Answers that never have a body (RFC 9112 §6.3): to HEAD, 204 and 304. The client gets the head
/// alone, and the same connection answers the next request in step: no stray bytes in between,
/// no wait for a body that never comes.
/// </summary>
[Collection(Http1Gateway.Collection)]
public sealed class BodilessAnswerTests(Http1Gateway gateway)
{
    [Theory]
    [InlineData("HEAD /sized", 200)]
    [InlineData("HEAD /chunked", 200)]
    [InlineData("GET /204", 204)]
    [InlineData("GET /304", 304)]
    public async Task A_bodiless_answer_leaves_the_connection_ready_for_the_next_request(string request, int status)
    {
        await using var client = await Http1Client.ConnectAsync(gateway.V4);
        await client.SendAsync($"{request} HTTP/1.1\r\nHost: app.test\r\nIf-None-Match: \"v1\"\r\n\r\n");
        var answer = await client.ReadResponseAsync(toHead: request.StartsWith("HEAD", StringComparison.Ordinal));
        Assert.True(answer.Status == status, answer.ToString());
        await client.SendAsync("GET /next HTTP/1.1\r\nHost: app.test\r\n\r\n");
        var next = await client.ReadResponseAsync();
        Assert.True(next.Status == 200, $"after {request}: {next}");
        Assert.StartsWith("GET /next\nbody=\n", next.BodyText);
    }

    [Fact]
    public async Task A_head_answer_keeps_the_apps_content_length()
    {
        // What curl -I shows: the size the app announced, though no body follows.
        var r = await Tool.RunAsync("curl", ["-s", "-I", "--max-time", "20", $"http://{gateway.V4}/sized"]);
        Assert.StartsWith("HTTP/1.1 200", r.Stdout);
        Assert.Contains($"Content-Length: {"HEAD /sized\nbody=\n".Length}\r\n", r.Stdout, StringComparison.OrdinalIgnoreCase);
    }
}
