using Mesh.Tests.Cluster;
using Mesh.Tests.Infrastructure;

namespace Mesh.Tests.Http1;

/// <summary>Pipelined HTTP/1.1 requests (RFC 9112 §9.3.2): written together on one connection, answered in order, each with its own answer.</summary>
[Collection(Http1Gateway.Collection)]
public sealed class PipeliningTests(Http1Gateway gateway)
{
    private static string Pipeline(string host) =>
        $"GET /pipe/1 HTTP/1.1\r\nHost: {host}\r\n\r\n"
        + $"POST /pipe/2 HTTP/1.1\r\nHost: {host}\r\nContent-Length: 5\r\n\r\nhello"
        + $"GET /pipe/3?last HTTP/1.1\r\nHost: {host}\r\n\r\n";

    private static async Task AnsweredInOrder(Http1Client client, string host)
    {
        await client.SendAsync(Pipeline(host));
        var first = await client.ReadResponseAsync();
        var second = await client.ReadResponseAsync();
        var third = await client.ReadResponseAsync();
        foreach (var r in new[] { first, second, third }) Assert.True(r.Status == 200, r.ToString());
        Assert.StartsWith("GET /pipe/1\nbody=\n", first.BodyText);
        Assert.StartsWith("POST /pipe/2\nbody=hello\n", second.BodyText);
        Assert.StartsWith("GET /pipe/3?last\nbody=\n", third.BodyText);
        // Three requests, three request ids: none of the answers is another's.
        Assert.Equal(3, new[] { first, second, third }.Select(r => r.Header("Fly-Request-Id")).Distinct().Count(id => id is not null));
        // And the connection still serves the next one.
        await client.SendAsync($"GET /pipe/4 HTTP/1.1\r\nHost: {host}\r\n\r\n");
        Assert.StartsWith("GET /pipe/4\n", (await client.ReadResponseAsync()).BodyText);
    }

    [Fact]
    public async Task Three_requests_in_one_write_on_port_80_are_answered_in_order()
    {
        await using var client = await Http1Client.ConnectAsync(gateway.V4);
        await AnsweredInOrder(client, "app.test");
    }

    [Fact]
    public async Task Three_requests_in_one_write_through_tls_on_443_are_answered_in_order()
    {
        await using var client = await Http1Client.ConnectTlsAsync(gateway.V4, Http1Gateway.Hostname);
        await AnsweredInOrder(client, Http1Gateway.Hostname);
    }
}
