using System.Net;
using Mesh.Whoami;

namespace Mesh.Tests.Egress;

public sealed class WhoamiOptionsTests
{
    [Fact]
    public void Endpoints_are_repeatable_or_comma_separated_and_the_zone_has_a_default()
    {
        var options = WhoamiOptions.Parse(["--http", "203.0.113.1:80,[2001:db8:ff::1]:80", "--dns", "203.0.113.1:53", "--dns", "[2001:db8:ff::1]:53"]);

        Assert.Equal([IPEndPoint.Parse("203.0.113.1:80"), IPEndPoint.Parse("[2001:db8:ff::1]:80")], options.Http);
        Assert.Equal([IPEndPoint.Parse("203.0.113.1:53"), IPEndPoint.Parse("[2001:db8:ff::1]:53")], options.Dns);
        Assert.Equal("mesh-internet.test", options.Zone);
        Assert.Equal("example.test", WhoamiOptions.Parse(["--dns", "127.0.0.1:53", "--zone", "example.test."]).Zone);
    }

    [Theory]
    [InlineData("nothing to serve: give --http and/or --dns endpoints")]
    [InlineData("--dns: 'localhost:53' is not ADDRESS:PORT (e.g. 203.0.113.1:80 or [2001:db8:ff::1]:53)", "--dns", "localhost:53")]
    [InlineData("--dns: '127.0.0.1:0' is not ADDRESS:PORT (e.g. 203.0.113.1:80 or [2001:db8:ff::1]:53)", "--dns", "127.0.0.1:0")]
    [InlineData("--http needs a value", "--http")]
    [InlineData("unknown flag --port (--http ENDPOINTS, --dns ENDPOINTS, --zone NAME)", "--port", "80")]
    public void Bad_command_lines_are_refused_with_one_line(string message, params string[] args) =>
        Assert.Equal(message, Assert.Throws<ArgumentException>(() => WhoamiOptions.Parse(args)).Message);
}
