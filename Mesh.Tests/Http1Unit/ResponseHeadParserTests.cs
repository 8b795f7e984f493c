using System.Text;
using Mesh.Gateway.Http1;

namespace Mesh.Tests.Http1Unit;

/// <summary>The upstream response-head parser over byte vectors cut at every point: never complete early, never lenient.</summary>
public sealed class ResponseHeadParserTests
{
    private static byte[] Bytes(string s) => Encoding.Latin1.GetBytes(s);

    private static ResponseHeadParser.Result ParseWhole(byte[] data, ResponseHead head, out string? error)
    {
        // Every prefix is incomplete (or already invalid); only the whole head decides.
        for (var cut = 0; cut < data.Length; cut++)
        {
            var partial = ResponseHeadParser.Parse(data.AsSpan(0, cut), head, out _);
            Assert.NotEqual(ResponseHeadParser.Result.Complete, partial);
        }
        return ResponseHeadParser.Parse(data, head, out error);
    }

    [Fact]
    public void A_valid_head_is_complete_only_once_its_empty_line_arrived_and_says_how_the_body_is_framed()
    {
        var data = Bytes("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 5\r\nConnection: X-Hop, keep-alive\r\nX-Hop: 1\r\nVia: 1.0 cache\r\n\r\nhello");
        var head = new ResponseHead();
        var headLength = data.Length - 5;
        Assert.Equal(ResponseHeadParser.Result.Complete, ParseWhole(data[..headLength], head, out _));
        Assert.Equal(ResponseHeadParser.Result.Complete, ResponseHeadParser.Parse(data, head, out _));
        Assert.Equal(200, head.Status);
        Assert.Equal(1, head.Minor);
        Assert.Equal(5, head.ContentLength);
        Assert.False(head.Chunked);
        Assert.True(head.KeepAlive);
        Assert.True(head.Reusable);
        Assert.Equal(headLength, head.Length);
        Assert.Equal("OK", Encoding.Latin1.GetString(data[head.Reason]));
        var kept = Enumerable.Range(0, head.Count).Where(i => !head[i].Dropped).Select(i => ResponseHeadParser.Describe(data, head[i])).ToList();
        Assert.Equal(["Content-Type: text/plain", "Via: 1.0 cache"], kept);
    }

    [Theory]
    [InlineData("HTTP/1.0 200 OK\r\nContent-Length: 0\r\n\r\n", false)]
    [InlineData("HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 0\r\n\r\n", false)]
    [InlineData("HTTP/1.1 200 OK\r\n\r\n", false)]
    [InlineData("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n", true)]
    [InlineData("HTTP/1.1 204 No Content\r\nContent-Length: 0\r\n\r\n", true)]
    [InlineData("HTTP/1.1 200 OK\r\nContent-Length: 3\r\nContent-Length: 3\r\n\r\n", true)]
    public void Reuse_follows_the_version_connection_and_framing(string raw, bool reusable)
    {
        var head = new ResponseHead();
        Assert.Equal(ResponseHeadParser.Result.Complete, ParseWhole(Bytes(raw), head, out _));
        Assert.Equal(reusable, head.Reusable);
    }

    [Fact]
    public void An_empty_reason_and_interim_statuses_parse()
    {
        var head = new ResponseHead();
        Assert.Equal(ResponseHeadParser.Result.Complete, ParseWhole(Bytes("HTTP/1.1 100\r\n\r\n"), head, out _));
        Assert.Equal(100, head.Status);
        Assert.Equal(ResponseHeadParser.Result.Complete, ParseWhole(Bytes("HTTP/1.1 404 \r\n\r\n"), head, out _));
        Assert.Equal(404, head.Status);
    }

    [Theory]
    [InlineData("obs-fold", "HTTP/1.1 200 OK\r\nX-A: a\r\n b\r\nContent-Length: 0\r\n\r\n")]
    [InlineData("bare-lf", "HTTP/1.1 200 OK\nContent-Length: 0\n\n")]
    [InlineData("bare-lf-in-field", "HTTP/1.1 200 OK\r\nX-A: a\nContent-Length: 0\r\n\r\n")]
    [InlineData("bare-cr", "HTTP/1.1 200 OK\r\nX-A: a\rb\r\n\r\n")]
    [InlineData("space-before-colon", "HTTP/1.1 200 OK\r\nContent-Length : 0\r\n\r\n")]
    [InlineData("space-in-name", "HTTP/1.1 200 OK\r\nX A: b\r\n\r\n")]
    [InlineData("empty-name", "HTTP/1.1 200 OK\r\n: b\r\n\r\n")]
    [InlineData("nul-in-value", "HTTP/1.1 200 OK\r\nX-A: a\0b\r\n\r\n")]
    [InlineData("cl-different", "HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\n")]
    [InlineData("cl-list", "HTTP/1.1 200 OK\r\nContent-Length: 5, 5\r\n\r\n")]
    [InlineData("cl-plus", "HTTP/1.1 200 OK\r\nContent-Length: +5\r\n\r\n")]
    [InlineData("cl-hex", "HTTP/1.1 200 OK\r\nContent-Length: 0x5\r\n\r\n")]
    [InlineData("cl-empty", "HTTP/1.1 200 OK\r\nContent-Length:\r\n\r\n")]
    [InlineData("cl-overflow", "HTTP/1.1 200 OK\r\nContent-Length: 99999999999999999999\r\n\r\n")]
    [InlineData("cl-and-te", "HTTP/1.1 200 OK\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n")]
    [InlineData("te-gzip", "HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, chunked\r\n\r\n")]
    [InlineData("te-twice", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n")]
    [InlineData("version-2", "HTTP/2.0 200 OK\r\n\r\n")]
    [InlineData("version-lowercase", "http/1.1 200 OK\r\n\r\n")]
    [InlineData("status-two-digits", "HTTP/1.1 20 OK\r\n\r\n")]
    [InlineData("status-600", "HTTP/1.1 600 Odd\r\n\r\n")]
    [InlineData("status-letters", "HTTP/1.1 2x0 OK\r\n\r\n")]
    [InlineData("no-space-after-version", "HTTP/1.1  200 OK\r\n\r\n")]
    public void An_ambiguous_head_is_invalid_wherever_it_is_cut(string name, string raw)
    {
        var head = new ResponseHead();
        Assert.True(ResponseHeadParser.Result.Invalid == ParseWhole(Bytes(raw), head, out var error), name);
        Assert.NotNull(error);
    }

    [Fact]
    public void A_head_past_the_limit_is_invalid()
    {
        var head = new ResponseHead();
        var big = Bytes("HTTP/1.1 200 OK\r\nX-Big: " + new string('a', ResponseHeadParser.MaxHeadBytes));
        Assert.Equal(ResponseHeadParser.Result.Invalid, ResponseHeadParser.Parse(big, head, out _));
    }
}
