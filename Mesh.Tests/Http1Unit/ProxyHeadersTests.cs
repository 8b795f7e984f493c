using System.Text;
using Mesh.Gateway.Http;
using Mesh.Gateway.Http1;

namespace Mesh.Tests.Http1Unit;

/// <summary>The fast path's byte-level header decisions agree with the names the Kestrel/YARP path uses, so the two cannot drift.</summary>
public sealed class ProxyHeadersTests
{
    private static HeaderKind Kind(string name) => ProxyHeaders.Classify(Encoding.ASCII.GetBytes(name));

    [Theory]
    [InlineData(PlatformHeaders.PreferRegion)]
    [InlineData(PlatformHeaders.ForceRegion)]
    [InlineData(PlatformHeaders.PreferInstance)]
    [InlineData(PlatformHeaders.ForceInstance)]
    [InlineData("fly-force-instance-id")]
    [InlineData("Fly-Something")]
    [InlineData("FLY-CLIENT-IP")]
    [InlineData("Fly-Region")]
    [InlineData("Fly-Preferred-Instance-Unavailable")]
    public void Client_fly_headers_are_kept_exactly_when_PlatformHeaders_allows_them(string name)
    {
        var kept = !ProxyHeaders.DroppedFromRequest(Kind(name));
        Assert.Equal(PlatformHeaders.ClientMaySend(name), kept);
    }

    [Fact]
    public void Every_header_the_platform_sets_is_dropped_from_what_the_client_sent()
    {
        string[] set =
        [
            PlatformHeaders.ClientIp, PlatformHeaders.ForwardedFor, PlatformHeaders.ForwardedProto, PlatformHeaders.FlyForwardedProto,
            PlatformHeaders.ForwardedSsl, PlatformHeaders.FlyForwardedSsl, PlatformHeaders.FlyForwardedPort, PlatformHeaders.Region,
            PlatformHeaders.RequestId, PlatformHeaders.RequestStart, PlatformHeaders.Via, PlatformHeaders.PreferredInstanceUnavailable,
            ReplayDirective.SourceHeader,
        ];
        Assert.All(set, name => Assert.True(ProxyHeaders.DroppedFromRequest(Kind(name)), name));
        Assert.All(set, name => Assert.True(ProxyHeaders.DroppedFromRequest(Kind(name.ToLowerInvariant())), name));
        // X-Forwarded-Port keeps a client value (PlatformTransformer sets it only when absent).
        Assert.False(ProxyHeaders.DroppedFromRequest(Kind(PlatformHeaders.ForwardedPort)));
    }

    [Theory]
    [InlineData("Connection")]
    [InlineData("Keep-Alive")]
    [InlineData("Proxy-Connection")]
    [InlineData("TE")]
    [InlineData("Upgrade")]
    [InlineData("Transfer-Encoding")]
    [InlineData("Content-Length")]
    [InlineData("Host")]
    public void Hop_and_framing_headers_are_the_proxys_to_write(string name) =>
        Assert.True(ProxyHeaders.DroppedFromRequest(Kind(name)));

    [Theory]
    [InlineData("5", 5)]
    [InlineData("0", 0)]
    [InlineData("000", 0)]
    [InlineData("+5", -1)]
    [InlineData("-5", -1)]
    [InlineData("0x5", -1)]
    [InlineData("5a", -1)]
    [InlineData("5 5", -1)]
    [InlineData("", -1)]
    [InlineData("9999999999999999999", -1)]
    public void A_length_is_one_or_more_digits(string value, long expected) =>
        Assert.Equal(expected, ProxyHeaders.ParseLength(Encoding.ASCII.GetBytes(value)));
}
