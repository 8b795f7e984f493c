using Mesh.Tests.Cluster;
using Mesh.Tests.Infrastructure;

namespace Mesh.Tests.Http1;

/// <summary>
/// <c>Expect: 100-continue</c> (RFC 9110 §10.1.1): a client that waits before sending its body
/// hears <c>100 Continue</c>, then the final answer; when the app answers at once without
/// reading the body, that answer reaches the client instead, and the body need never be sent.
/// </summary>
[Collection(Http1Gateway.Collection)]
public sealed class ExpectContinueTests(Http1Gateway gateway)
{
    private static string Post(string path, int length = 7) => $"POST {path} HTTP/1.1\r\nHost: app.test\r\nContent-Length: {length}\r\nExpect: 100-continue\r\n\r\n";

    [Fact]
    public async Task A_client_waiting_for_100_continue_gets_it_then_the_answer_and_the_body_reaches_the_app()
    {
        await using var client = await Http1Client.ConnectAsync(gateway.V4);
        await client.SendAsync(Post("/expect"));
        // Nothing of the body is sent until the go-ahead.
        var interim = await client.ReadResponseAsync();
        Assert.True(interim.Status == 100, interim.ToString());
        await client.SendAsync("payload");
        var final = await client.ReadResponseAsync();
        Assert.True(final.Status == 200, final.ToString());
        Assert.Contains("body=payload\n", final.BodyText);
        Assert.Equal("payload", System.Text.Encoding.ASCII.GetString(gateway.App.Requests.Last(r => r.Target == "/expect").Body));
    }

    [Fact]
    public async Task Curl_with_expect_100_continue_sees_100_then_200()
    {
        var r = await Tool.RunAsync("curl", ["-s", "-i", "--max-time", "20", "--http1.1", "-H", "Expect: 100-continue", "--data-binary", "curl-payload", $"http://{gateway.V4}/expect-curl"]);
        Assert.StartsWith("HTTP/1.1 100 Continue\r\n", r.Stdout);
        Assert.Contains("\r\n\r\nHTTP/1.1 200 ", r.Stdout);
        Assert.Contains("body=curl-payload\n", r.Stdout);
    }

    private async Task RelayedWithoutTheBody(string path, int status, int length)
    {
        await using var client = await Http1Client.ConnectAsync(gateway.V4);
        await client.SendAsync(Post(path, length));
        // The app's final answer, not a 100 Continue the app never sent: the client keeps its body.
        var answer = await client.ReadResponseAsync();
        Assert.True(answer.Status == status, $"{answer}\nthe app received: {gateway.App.Requests.LastOrDefault(r => r.Target == path)?.Head}");
        if (status == 401) Assert.Equal("unauthorized", answer.BodyText);
        Assert.Empty(gateway.App.Requests.Last(r => r.Target == path).Body);
    }

    /// <summary>A body of curl's size (curl itself asks for 100-continue above 1 MiB).</summary>
    [Theory]
    [InlineData("/417", 417)]
    [InlineData("/early", 401)]
    public Task An_app_that_answers_before_reading_a_large_body_is_relayed_without_the_body_being_sent(string path, int status) =>
        RelayedWithoutTheBody(path, status, 1 << 20);

    /// <summary>
    /// A small body matters too: an HTTP client may send a body of up to 1 KiB anyway after a
    /// final error (SocketsHttpHandler does), and a proxy that reads the client's body for it
    /// tells the client to go ahead before relaying an answer that said not to (the Kestrel +
    /// YARP path does: hence <c>Requires=Http1FastPath</c>).
    /// </summary>
    [Theory]
    [Trait("Requires", "Http1FastPath")]
    [InlineData("/417", 417)]
    [InlineData("/early", 401)]
    public Task An_app_that_answers_before_reading_a_small_body_is_relayed_without_the_body_being_sent(string path, int status) =>
        RelayedWithoutTheBody(path, status, 7);
}
