using System.Net.Sockets;
using System.Text.RegularExpressions;

namespace Mesh.Tests.Dns;

/// <summary>
/// Real <c>dig</c> against the real server, asking from inside acme's private network: what a
/// resolver (or a zone checker) sees of the zone's apex, negative answers, ANY, EDNS and malformed queries.
/// </summary>
public sealed partial class InternalDnsDigTests(PrivateNetworkDnsServer dns) : IClassFixture<PrivateNetworkDnsServer>
{
    // TwoOrgTable is version 1: the serial.
    private const string Soa = "ns.internal. hostmaster.internal. 1 60 30 600 5";

    [Fact]
    public async Task The_apex_has_an_soa_and_an_ns_that_resolves_to_the_servers_address()
    {
        Assert.Equal(Soa, (await dns.DigAsync("+short", "SOA", "internal.")).Trim());
        Assert.Equal("ns.internal.", (await dns.DigAsync("+short", "NS", "internal.")).Trim());
        Assert.Equal(dns.Address.ToString(), (await dns.DigAsync("+short", "AAAA", "ns.internal.")).Trim());

        var soa = await dns.DigAsync("SOA", "internal.");
        Assert.Contains("status: NOERROR", soa);
        Assert.Contains("flags: qr aa rd;", soa);  // rd echoed, no ra: not a recursive resolver
        Assert.Matches(@"(?m)^internal\.\s+5\s+IN\s+SOA\s+" + Regex.Escape(Soa) + "$", soa);
    }

    [Fact]
    public async Task No_such_name_carries_the_soa_in_authority()
    {
        // api is rival's: for acme it does not exist, like any other missing name.
        foreach (var name in new[] { "api.internal", "nothing.web.internal" })
        {
            var output = await dns.DigAsync("AAAA", name);

            Assert.Contains("status: NXDOMAIN", output);
            Assert.Contains("ANSWER: 0, AUTHORITY: 1,", output);
            Assert.Matches(AuthoritySoa(), output);
        }
    }

    [Fact]
    public async Task No_data_for_an_existing_name_carries_the_soa_in_authority()
    {
        foreach (var type in new[] { "A", "MX" })
        {
            var output = await dns.DigAsync(type, "web.internal");

            Assert.Contains("status: NOERROR", output);
            Assert.Contains("ANSWER: 0, AUTHORITY: 1,", output);
            Assert.Matches(AuthoritySoa(), output);
        }
        // Positive answers have no authority section.
        Assert.Contains("ANSWER: 4, AUTHORITY: 0,", await dns.DigAsync("AAAA", "web.internal"));
    }

    [Fact]
    public async Task Any_is_answered_with_the_rfc8482_hinfo_and_missing_names_stay_nxdomain()
    {
        Assert.Equal("\"RFC8482\" \"\"", (await dns.DigAsync("+short", "ANY", "web.internal")).Trim());
        Assert.Equal("\"RFC8482\" \"\"", (await dns.DigAsync("+short", "ANY", "internal.")).Trim());
        Assert.Contains("status: NXDOMAIN", await dns.DigAsync("ANY", "api.internal"));
    }

    [Fact]
    public async Task Edns_0_gets_an_opt_back_and_a_higher_version_gets_badvers()
    {
        var zero = await dns.DigAsync("AAAA", "web.internal");
        Assert.Contains("; EDNS: version: 0, flags:; udp: 512", zero);

        var one = await dns.DigAsync("+edns=1", "+noednsnegotiation", "AAAA", "web.internal");
        Assert.Contains("status: BADVERS", one);
        Assert.Contains("; EDNS: version: 0, flags:; udp: 512", one);
        Assert.Contains("ANSWER: 0,", one);
    }

    [Fact]
    public async Task Names_are_case_insensitive_and_answers_keep_the_asked_case()
    {
        var output = await dns.DigAsync("+noall", "+answer", "TXT", "Regions.WEB.Internal");

        Assert.Matches(@"(?m)^Regions\.WEB\.Internal\.\s+5\s+IN\s+TXT\s+""ams,fra,syd""$", output);
    }

    [Fact]
    public async Task Malformed_questions_get_formerr()
    {
        byte[] Header(ushort id, byte questions) => [(byte)(id >> 8), (byte)id, 0x01, 0x00, 0, questions, 0, 0, 0, 0, 0, 0];
        byte[] Question(ushort type, ushort @class) => [3, (byte)'w', (byte)'e', (byte)'b', 8, .. "internal"u8, 0, (byte)(type >> 8), (byte)type, (byte)(@class >> 8), (byte)@class];
        var queries = new Dictionary<string, byte[]>
        {
            ["no question"] = Header(1, 0),
            ["two questions"] = [.. Header(2, 2), .. Question(28, 1), .. Question(28, 1)],
            ["type OPT"] = [.. Header(3, 1), .. Question(41, 1)],
            ["type 0"] = [.. Header(4, 1), .. Question(0, 1)],
            ["class NONE"] = [.. Header(5, 1), .. Question(28, 254)],
        };
        using var client = new UdpClient(new System.Net.IPEndPoint(dns.Address, 0));
        foreach (var (what, query) in queries)
        {
            await client.SendAsync(query, dns.Endpoint);
            var reply = (await client.ReceiveAsync().WaitAsync(TimeSpan.FromSeconds(10))).Buffer;

            Assert.True(reply.Length >= 12, what);
            Assert.Equal((query[0], query[1]), (reply[0], reply[1]));
            Assert.True((reply[2] & 0x80) != 0, $"{what}: QR set");
            Assert.True((reply[3] & 0x0f) == 1, $"{what}: rcode {reply[3] & 0x0f}, not FORMERR");
        }
    }

    [GeneratedRegex(@"(?m)^internal\.\s+5\s+IN\s+SOA\s+ns\.internal\. hostmaster\.internal\. 1 60 30 600 5$")]
    private static partial Regex AuthoritySoa();
}
