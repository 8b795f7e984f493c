using System.Net;
using Mesh.Gateway.Dns;
using Microsoft.Extensions.Configuration;

namespace Mesh.Tests.Dns;

public sealed class DnsConfigTests
{
    private static InternalDnsOptions Read(params (string Key, string Value)[] settings) =>
        InternalDnsOptions.From(new ConfigurationBuilder()
            .AddInMemoryCollection(settings.Select(s => new KeyValuePair<string, string?>(s.Key, s.Value)))
            .Build()
            .GetSection(InternalDnsOptions.Section));

    [Fact]
    public void Listen_is_off_by_default_and_takes_a_list_or_one_comma_separated_string()
    {
        Assert.Empty(Read().Listen);
        var indexed = Read(("Mesh:Gateway:Dns:Listen:0", "[fdaa::3]:53"), ("Mesh:Gateway:Dns:Listen:1", "127.0.0.1:5353"));
        var joined = Read(("Mesh:Gateway:Dns:Listen", "[fdaa::3]:53, 127.0.0.1:5353"), ("Mesh:Gateway:Dns:TcpIdleTimeout", "00:00:03"));

        IPEndPoint[] expected = [IPEndPoint.Parse("[fdaa::3]:53"), IPEndPoint.Parse("127.0.0.1:5353")];
        Assert.Equal(expected, DnsListenEndpoints.Parse(indexed.Listen));
        Assert.Equal(expected, DnsListenEndpoints.Parse(joined.Listen));
        Assert.Equal(TimeSpan.FromSeconds(3), joined.TcpIdleTimeout);
    }

    [Theory]
    [InlineData("127.0.0.1:0")]
    [InlineData("127.0.0.1")]
    [InlineData("[fdaa::3]")]
    [InlineData("localhost:53")]
    [InlineData("fdaa::3:53:x")]
    public void Endpoints_need_an_address_and_a_port_other_than_zero(string entry)
    {
        var e = Assert.Throws<InvalidOperationException>(() => DnsListenEndpoints.Parse([entry]));
        Assert.Contains("Mesh:Gateway:Dns:Listen", e.Message);
    }

    [Fact]
    public void Duplicate_endpoints_are_served_once()
    {
        Assert.Single(DnsListenEndpoints.Parse(["127.0.0.1:5353", "127.0.0.1:5353,127.0.0.1:5353"]));
    }
}
