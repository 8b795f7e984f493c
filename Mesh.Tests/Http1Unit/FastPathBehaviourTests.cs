using System.Text;
using Mesh.Tests.Cluster;
using Mesh.Tests.Gateway;
using Mesh.Tests.Http;
using Mesh.Tests.Infrastructure;

namespace Mesh.Tests.Http1Unit;

/// <summary>
/// What only the fast path can do, because it sees the raw head Kestrel normalises: a
/// <c>Content-Length: +5</c> is refused, and headers named beside <c>close</c> in Connection stay
/// on their hop.
/// </summary>
[Collection(Gateway.GatewayProcessTests.Name)]
public sealed class FastPathBehaviourTests(RecordingGateway gateway) : IClassFixture<RecordingGateway>
{
    private async Task<string> RawAsync(string request)
    {
        using var client = await Wire.ConnectAsync(gateway.V4, 80);
        await client.SendAsync(Encoding.ASCII.GetBytes(request));
        return await Wire.ReadToEndAsync(client, TimeSpan.FromSeconds(30));
    }

    [Fact]
    public async Task A_signed_content_length_is_refused_and_never_reaches_the_app()
    {
        var answer = await RawAsync("POST /plus HTTP/1.1\r\nHost: app.test\r\nContent-Length: +5\r\n\r\nhello");
        Assert.StartsWith("HTTP/1.1 400", answer);
        Assert.Contains("Connection: close", answer);
        Assert.Matches("(?i)Fly-Request-Id: [0-9A-F]{26}-ams", answer);
        Assert.DoesNotContain(gateway.App.Requests, r => r.RequestLine.StartsWith("POST /plus ", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Headers_named_beside_close_stay_on_their_hop()
    {
        var answer = await RawAsync("GET /named HTTP/1.1\r\nHost: app.test\r\nConnection: close, X-Foo\r\nX-Foo: secret\r\nX-Bar: kept\r\n\r\n");
        Assert.StartsWith("HTTP/1.1 200", answer);
        var seen = gateway.App.Requests.Last(r => r.RequestLine.StartsWith("GET /named ", StringComparison.Ordinal));
        Assert.Null(seen.Header("X-Foo"));
        Assert.Equal("kept", seen.Header("X-Bar"));
        Assert.Equal("1.1 mesh", seen.Header("Via"));
    }
}
