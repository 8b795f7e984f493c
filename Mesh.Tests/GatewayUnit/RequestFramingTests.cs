using Mesh.Gateway.Http;
using Microsoft.AspNetCore.Http;

namespace Mesh.Tests.GatewayUnit;

/// <summary>The framing rules the http handler adds to Kestrel's, and the Connection option names it strips.</summary>
public sealed class RequestFramingTests
{
    private static HeaderDictionary Headers(params (string Name, string Value)[] headers)
    {
        var dictionary = new HeaderDictionary();
        foreach (var (name, value) in headers) dictionary.Append(name, value);
        return dictionary;
    }

    [Theory]
    [InlineData("HTTP/1.0", "Transfer-Encoding", "chunked", "HTTP/1.0")]
    [InlineData("HTTP/1.1", "Content-Length", "+5", "decimal")]
    [InlineData("HTTP/1.1", "Content-Length", "5, 5", "decimal")]
    [InlineData("HTTP/1.1", "Transfer-Encoding", "gzip, chunked", "other than chunked")]
    public void Ambiguous_framing_is_refused(string protocol, string name, string value, string reason)
    {
        Assert.Contains(reason, RequestFraming.Refusal(protocol, Headers((name, value))));
    }

    [Fact]
    public void A_length_Kestrel_moved_aside_for_chunked_framing_is_refused()
    {
        Assert.NotNull(RequestFraming.Refusal("HTTP/1.1", Headers(("Transfer-Encoding", "chunked"), ("X-Content-Length", "6"))));
        Assert.NotNull(RequestFraming.Refusal("HTTP/1.1", Headers(("Transfer-Encoding", "chunked"), ("Content-Length", "6"))));
    }

    [Fact]
    public void Plain_framing_and_other_protocols_pass()
    {
        Assert.Null(RequestFraming.Refusal("HTTP/1.1", Headers(("Transfer-Encoding", "Chunked"))));
        Assert.Null(RequestFraming.Refusal("HTTP/1.0", Headers(("Content-Length", "5"))));
        Assert.Null(RequestFraming.Refusal("HTTP/1.1", Headers()));
        // h2 frames bodies itself: these headers mean nothing there.
        Assert.Null(RequestFraming.Refusal("HTTP/2", Headers(("Transfer-Encoding", "chunked"), ("Content-Length", "6"))));
    }

    [Fact]
    public void Connection_names_the_hop_headers_but_not_its_options_or_framing()
    {
        Assert.Equal(["X-Foo", "X-Bar"], ConnectionOptions.Named(new Microsoft.Extensions.Primitives.StringValues(["close, X-Foo", "keep-alive,X-Bar, Upgrade, TE, Content-Length, Host"])));
    }
}
