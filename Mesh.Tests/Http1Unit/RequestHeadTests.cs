using System.Buffers;
using System.Text;
using Mesh.Gateway.Http1;

namespace Mesh.Tests.Http1Unit;

/// <summary>
/// The request head as Kestrel's own parser reads it, through <see cref="RequestHead"/>: complete
/// only at its empty line wherever the bytes are cut, the fields the proxy owns marked, and the
/// framing and Host refusals the raw values show (<c>Content-Length: +5</c> among them).
/// </summary>
public sealed class RequestHeadTests
{
    private static ReadOnlySequence<byte> Seq(string s) => new(Encoding.Latin1.GetBytes(s));

    private static RequestHead Parsed(string raw)
    {
        var head = new RequestHead();
        var bytes = Encoding.Latin1.GetBytes(raw);
        for (var cut = 0; cut < bytes.Length; cut++)
        {
            Assert.False(head.TryParse(new ReadOnlySequence<byte>(bytes, 0, cut), out _), $"complete at {cut}");
        }
        Assert.True(head.TryParse(new ReadOnlySequence<byte>(bytes), out var end));
        Assert.Equal(bytes.Length, new ReadOnlySequence<byte>(bytes).Slice(0, end).Length);
        return head;
    }

    private static List<string> Forwarded(RequestHead head) =>
        [.. Enumerable.Range(0, head.Count).Where(i => !head[i].Dropped).Select(i => Encoding.Latin1.GetString(head.Line(head[i])).TrimEnd())];

    [Fact]
    public void The_head_is_complete_at_its_empty_line_and_keeps_the_fields_the_app_may_see()
    {
        var head = Parsed("POST /p?q=1 HTTP/1.1\r\nHost: app.test\r\nContent-Length: 5\r\nConnection: X-Foo, keep-alive\r\nX-Foo: secret\r\n"
            + "X-Bar: kept\r\nFly-Client-IP: 6.6.6.6\r\nFly-Something: spoof\r\nFly-Prefer-Region: iad\r\nKeep-Alive: 5\r\nVia: 1.1 corp\r\n\r\n");
        Assert.Equal("POST", Encoding.Latin1.GetString(head.MethodBytes));
        Assert.Equal("/p?q=1", Encoding.Latin1.GetString(head.Target));
        Assert.Equal("app.test", Encoding.Latin1.GetString(head.RoutingHost));
        Assert.True(head.IsHttp11);
        Assert.True(head.HasSteering);
        Assert.False(head.WantsClose);
        Assert.Null(head.Refusal(out var length, out var chunked));
        Assert.Equal(5, length);
        Assert.False(chunked);
        Assert.Equal(["X-Bar: kept", "Fly-Prefer-Region: iad"], Forwarded(head));
    }

    [Fact]
    public void An_absolute_form_target_routes_by_its_authority_and_reaches_the_app_in_origin_form()
    {
        var head = Parsed("GET http://recorded.example.test/absolute?x=1 HTTP/1.1\r\nHost: nobody.example\r\n\r\n");
        Assert.True(head.IsAbsoluteForm);
        Assert.Equal("recorded.example.test", Encoding.Latin1.GetString(head.RoutingHost));
        Assert.Equal("/absolute?x=1", Encoding.Latin1.GetString(head.OriginTarget));
        Assert.Equal("/", Encoding.Latin1.GetString(Parsed("GET http://a.test HTTP/1.1\r\nHost: a.test\r\n\r\n").OriginTarget));
    }

    [Fact]
    public void Http10_closes_unless_it_asks_for_keep_alive_and_close_is_seen_beside_named_headers()
    {
        Assert.True(Parsed("GET / HTTP/1.0\r\n\r\n").WantsClose);
        Assert.False(Parsed("GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n").WantsClose);
        var closing = Parsed("GET / HTTP/1.1\r\nHost: a\r\nConnection: close, X-Foo\r\nX-Foo: 1\r\n\r\n");
        Assert.True(closing.WantsClose);
        Assert.Empty(Forwarded(closing));
    }

    [Theory]
    [InlineData("Content-Length: +5\r\n")]
    [InlineData("Content-Length: 0x5\r\n")]
    [InlineData("Content-Length: 5a\r\n")]
    [InlineData("Content-Length: -1\r\n")]
    [InlineData("Content-Length: 5, 5\r\n")]
    [InlineData("Content-Length:\r\n")]
    [InlineData("Content-Length: 99999999999999999999999\r\n")]
    [InlineData("Content-Length: 5\r\nContent-Length: 5\r\n")]
    [InlineData("Content-Length: 5\r\nTransfer-Encoding: chunked\r\n")]
    [InlineData("Transfer-Encoding: chunked, identity\r\n")]
    [InlineData("Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n")]
    [InlineData("Transfer-Encoding: \"chunked\"\r\n")]
    [InlineData("Host: other.test\r\n")]
    public void Ambiguous_framing_and_a_second_host_are_refused(string fields)
    {
        var head = Parsed("POST /c HTTP/1.1\r\nHost: app.test\r\n" + fields + "\r\n");
        Assert.NotNull(head.Refusal(out _, out _));
    }

    [Theory]
    [InlineData("POST /c HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n")]
    [InlineData("GET /c HTTP/1.1\r\nX-A: b\r\n\r\n")]
    [InlineData("GET http://user@app.test/c HTTP/1.1\r\nHost: app.test\r\n\r\n")]
    [InlineData("GET /c HTTP/1.1\r\nHost: a b\r\n\r\n")]
    public void Heads_without_a_usable_host_or_with_http10_chunking_are_refused(string raw) =>
        Assert.NotNull(Parsed(raw).Refusal(out _, out _));

    [Fact]
    public void Chunked_and_a_trimmed_length_are_accepted()
    {
        Assert.Null(Parsed("POST /c HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: CHUNKED\r\n\r\n").Refusal(out _, out var chunked));
        Assert.True(chunked);
        Assert.Null(Parsed("POST /c HTTP/1.1\r\nHost: a\r\nContent-Length: 5 \r\n\r\n").Refusal(out var length, out _));
        Assert.Equal(5, length);
    }

    [Theory]
    [InlineData("GARBAGE\0\0 nonsense\r\n\r\n")]
    [InlineData("GET /c HTTP/1.1\r\nHost: app.test\r\nX-A: a\0b\r\n\r\n")]
    [InlineData("GET /c HTTP/1.1\r\nHost: app.test\r\nX A: b\r\n\r\n")]
    [InlineData("GET /c HTTP/1.1\r\nHost: app.test\r\nX-A: a\r\n b\r\n\r\n")]
    [InlineData("GET  /c HTTP/1.1\r\nHost: app.test\r\n\r\n")]
    [InlineData("GET /c HTTP/1.2\r\nHost: app.test\r\n\r\n")]
    [InlineData("GET /c HTTP/1.1\r\nHost: app.test\r\nTransfer-Encoding : chunked\r\n\r\n")]
    [InlineData("GET /c HTTP/1.1\r\nHost: app.test\r\nX-A: a\vb\r\n\r\n")]
    public void Malformed_heads_throw_a_verdict_with_a_status(string raw)
    {
        var head = new RequestHead();
        var e = Assert.ThrowsAny<Exception>(() => head.TryParse(Seq(raw), out _));
        var status = e switch
        {
            Microsoft.AspNetCore.Http.BadHttpRequestException bad => bad.StatusCode,
            Http1Refusal refusal => refusal.Status,
            _ => 0,
        };
        Assert.InRange(status, 400, 505);
    }

    [Fact]
    public void Too_many_or_too_large_headers_are_431()
    {
        var head = new RequestHead();
        var many = "GET / HTTP/1.1\r\nHost: a\r\n" + string.Concat(Enumerable.Range(0, 101).Select(i => $"X-{i}: v\r\n")) + "\r\n";
        Assert.Equal(431, Assert.Throws<Http1Refusal>(() => head.TryParse(Seq(many), out _)).Status);
        var big = "GET / HTTP/1.1\r\nHost: a\r\nX-Big: " + new string('a', 70_000);
        Assert.Equal(431, Assert.Throws<Http1Refusal>(() => head.TryParse(Seq(big), out _)).Status);
    }
}
