using System.Net;
using System.Text;
using Mesh.Gateway.Http;
using Mesh.Gateway.Http1;
using Microsoft.AspNetCore.Http;

namespace Mesh.Tests.Http2Upstream;

/// <summary>The HTTP/1.1 head the gateway's own upstream client writes for a request Kestrel parsed (no sockets).</summary>
public sealed class KestrelRequestHeadTests
{
    private static string Compose(Action<HttpRequest> setUp, long contentLength = -1, bool chunked = false, bool close = false, IReadOnlyList<string>? hop = null)
    {
        var context = new DefaultHttpContext();
        context.Request.Method = "POST";
        context.Request.Protocol = "HTTP/2";
        context.Request.Path = "/a b";
        context.Request.Host = new HostString("web.example.test");
        setUp(context.Request);
        var info = new ProxiedRequest(null!, "REQ-ams", "ams", "10.0.0.9", Https: true, Port: 443, StartMicroseconds: 42, PreferredInstanceUnavailable: null)
        {
            HopHeaders = hop ?? [],
        };
        var b = new HeadBuffer();
        KestrelRequestHead.Compose(b, context, info, new IPEndPoint(IPAddress.Loopback, 8080), contentLength, chunked, close);
        return Encoding.Latin1.GetString(b.Span);
    }

    [Fact]
    public void Platform_headers_replace_the_clients_and_hop_headers_are_dropped()
    {
        var head = Compose(r =>
        {
            r.Headers["Fly-Client-IP"] = "6.6.6.6";
            r.Headers["Fly-Something"] = "spoof";
            r.Headers["Fly-Prefer-Region"] = "fra";
            r.Headers["X-Forwarded-For"] = "1.2.3.4";
            r.Headers["X-Forwarded-Port"] = "8443";
            r.Headers["Via"] = "1.1 corp";
            r.Headers["TE"] = "trailers";
            r.Headers["Keep-Alive"] = "timeout=5";
            r.Headers["X-Secret"] = "hop";
            r.Headers["Content-Length"] = "999";
            r.Headers["Accept"] = "*/*";
        }, contentLength: 3, hop: ["X-Secret"]);

        var lines = head.Split("\r\n");
        Assert.Equal("POST /a%20b HTTP/1.1", lines[0]);
        Assert.Equal("Host: web.example.test", lines[1]);
        Assert.EndsWith("\r\n\r\n", head);
        Assert.Contains("Accept: */*", lines);
        Assert.Contains("Fly-Prefer-Region: fra", lines);
        Assert.Contains("Content-Length: 3", lines);
        Assert.Contains("Fly-Client-IP: 10.0.0.9", lines);
        Assert.Contains("X-Forwarded-For: 1.2.3.4, 10.0.0.9", lines);
        Assert.Contains("X-Forwarded-Proto: https", lines);
        Assert.Contains("X-Forwarded-Port: 8443", lines);
        Assert.Contains("Fly-Forwarded-Port: 443", lines);
        Assert.Contains("Fly-Request-Id: REQ-ams", lines);
        Assert.Contains("X-Request-Start: t=42", lines);
        Assert.Contains("Via: 1.1 corp, 2 mesh", lines);
        Assert.DoesNotContain("6.6.6.6", head);
        Assert.DoesNotContain("spoof", head);
        Assert.DoesNotContain("trailers", head);
        Assert.DoesNotContain("timeout=5", head);
        Assert.DoesNotContain("X-Secret", head);
        Assert.DoesNotContain("999", head);
        Assert.Single(lines, l => l.StartsWith("Fly-Client-IP", StringComparison.Ordinal));
    }

    [Fact]
    public void An_h2_body_without_length_goes_chunked_and_split_cookies_become_one_line()
    {
        var head = Compose(r => r.Headers.Cookie = new Microsoft.Extensions.Primitives.StringValues(["a=1", "b=2"]), chunked: true, close: true);
        var lines = head.Split("\r\n");
        Assert.Contains("Transfer-Encoding: chunked", lines);
        Assert.Contains("Connection: close", lines);
        Assert.Contains("Cookie: a=1; b=2", lines);
        Assert.DoesNotContain(lines, l => l.StartsWith("Content-Length", StringComparison.Ordinal));
    }

    [Fact]
    public void Trailers_are_read_from_the_framing_after_the_last_chunk()
    {
        var tail = "\r\n0;ext=1\r\nX-Checksum: abc123\r\nGrpc-Status:  0 \r\n\r\n"u8;
        var position = ChunkedTrailers.Start(tail);
        var found = new List<string>();
        while (ChunkedTrailers.Next(tail, ref position, out var name, out var value))
        {
            found.Add($"{Encoding.ASCII.GetString(tail[name])}={Encoding.ASCII.GetString(tail[value])}");
        }
        Assert.Equal(["X-Checksum=abc123", "Grpc-Status=0"], found);
        var none = "0\r\n\r\n"u8;
        var at = ChunkedTrailers.Start(none);
        Assert.False(ChunkedTrailers.Next(none, ref at, out _, out _));
    }
}
