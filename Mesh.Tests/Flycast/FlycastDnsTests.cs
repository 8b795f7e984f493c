using System.Net;
using ARSoft.Tools.Net;
using ARSoft.Tools.Net.Dns;
using Mesh.Domain.Apps;
using Mesh.Domain.Routing;
using Mesh.Gateway.Dns;
using Mesh.Interfaces.Model;
using static Mesh.Tests.Dns.TwoOrgTable;

namespace Mesh.Tests.Flycast;

/// <summary>
/// <c>APP.flycast</c> in the private network's DNS: the app's Flycast address in the asker's own
/// network, NXDOMAIN for every other org, and <c>flycast.</c> an apex like <c>internal.</c> (SOA,
/// NS, negative answers with its SOA, ANY, EDNS).
/// </summary>
public sealed class FlycastDnsTests
{
    private static readonly IPAddress Server = IPAddress.Parse("fdaa::3");
    private static readonly string WebFlycast = FlycastIn("acme", 1);
    // rival's api, exposed to acme (allocated with --org acme): an address in acme's network.
    private static readonly string ApiInAcme = FlycastIn("acme", 2);
    private static readonly string ApiFlycast = FlycastIn("rival", 1);

    private readonly InternalDnsResolver _resolver = new();
    private readonly InternalDnsResponder _responder = new(new InternalDnsResolver());

    private static string FlycastIn(string org, int n) =>
        IPAddress.Parse(PrivateAddresses.FlycastPrefix(org).Split('/')[0] + n).ToString();

    private static RouteTableReplica Table(long version = 1) => RouteTableReplica.FromSnapshot(new RouteSnapshot(
        version,
        [
            new AppRoute("web", "acme", [], [Ip(WebFlycast, "acme"), new IpAssignment("fd00::1", IpKind.V6, "global", default)], []),
            new AppRoute("db", "acme", [], [], []),
            new AppRoute("api", "rival", [], [Ip(ApiFlycast, "rival"), Ip(ApiInAcme, "acme")], []),
        ],
        [Instance("w-ams-1", "web", "acme", "ams"), Instance("a-ams-1", "api", "rival", "ams")]));

    private static IpAssignment Ip(string address, string network) => new(address, IpKind.PrivateV6, "global", default) { Network = network };

    private InternalDnsAnswer Ask(string name, DnsQuestionType type, IPAddress asker) => _resolver.Resolve(Table(), name, type, asker, "ams", Server);

    private DnsMessage Respond(string name, RecordType type, IPAddress asker, byte? ednsVersion = null)
    {
        var query = new DnsMessage { IsQuery = true, TransactionID = 9, Questions = [new DnsQuestion(DomainName.Parse(name), type, RecordClass.INet)] };
        if (ednsVersion is { } version)
        {
            query.IsEDnsEnabled = true;
            query.EDnsOptions!.Version = version;
        }
        return Assert.IsType<DnsMessage>(_responder.Respond(query, asker, Table(7), "ams", Server));
    }

    [Fact]
    public void App_flycast_is_the_apps_address_in_the_askers_network_only()
    {
        Assert.Equal(IPAddress.Parse(WebFlycast), Assert.Single(Ask("web.flycast", DnsQuestionType.Aaaa, AcmeInFra).Addresses));
        Assert.Equal(IPAddress.Parse(WebFlycast), Assert.Single(Ask("WEB.Flycast.", DnsQuestionType.Aaaa, AcmeInFra).Addresses));
        // Another org's app exposed to acme: acme sees the address in its network, rival its own.
        Assert.Equal(IPAddress.Parse(ApiInAcme), Assert.Single(Ask("api.flycast", DnsQuestionType.Aaaa, AcmeInFra).Addresses));
        Assert.Equal(IPAddress.Parse(ApiFlycast), Assert.Single(Ask("api.flycast", DnsQuestionType.Aaaa, RivalInAms).Addresses));
        // Other orgs' apps, apps without a Flycast address and deeper names do not exist.
        Assert.Equal(DnsOutcome.NxDomain, Ask("web.flycast", DnsQuestionType.Aaaa, RivalInAms).Outcome);
        Assert.Equal(DnsOutcome.NxDomain, Ask("db.flycast", DnsQuestionType.Aaaa, AcmeInFra).Outcome);
        Assert.Equal(DnsOutcome.NxDomain, Ask("ams.web.flycast", DnsQuestionType.Aaaa, AcmeInFra).Outcome);
        // The .internal names are unchanged, and askers outside every org are refused.
        Assert.Single(Ask("web.internal", DnsQuestionType.Aaaa, AcmeInFra).Addresses);
        Assert.Equal(DnsOutcome.Refused, Ask("web.flycast", DnsQuestionType.Aaaa, IPAddress.Loopback).Outcome);
        Assert.Equal(DnsOutcome.Refused, Ask("web.flycast.example", DnsQuestionType.Aaaa, AcmeInFra).Outcome);
    }

    [Fact]
    public void The_flycast_apex_has_soa_and_ns_and_negative_answers_carry_its_soa()
    {
        var soa = Assert.IsType<SoaRecord>(Assert.Single(Respond("flycast.", RecordType.Soa, AcmeInFra).AnswerRecords));
        Assert.Equal("ns.internal.", soa.MasterName.ToString());
        Assert.Equal(7u, soa.SerialNumber);
        var ns = Assert.IsType<NsRecord>(Assert.Single(Respond("flycast", RecordType.Ns, AcmeInFra).AnswerRecords));
        Assert.Equal("ns.internal.", ns.NameServer.ToString());

        foreach (var (name, type, code) in new[]
        {
            ("web.flycast", RecordType.Aaaa, ReturnCode.NxDomain),   // another org's
            ("web.flycast", RecordType.A, ReturnCode.NoError),       // NODATA: the name exists for acme
            ("web.flycast", RecordType.Txt, ReturnCode.NoError),
            ("flycast", RecordType.Aaaa, ReturnCode.NoError),
        })
        {
            var asker = code == ReturnCode.NxDomain ? RivalInAms : AcmeInFra;
            var response = Respond(name, type, asker);
            Assert.Equal(code, response.ReturnCode);
            Assert.Empty(response.AnswerRecords);
            var negative = Assert.IsType<SoaRecord>(Assert.Single(response.AuthorityRecords));
            Assert.Equal("flycast.", negative.Name.ToString());
            Assert.Equal(5, negative.NegativeCachingTTL);
            Assert.True(response.IsAuthoritiveAnswer);
        }
        // Positive answers have no authority section, and keep the question's case.
        var positive = Respond("Web.FLYCAST", RecordType.Aaaa, AcmeInFra);
        Assert.Empty(positive.AuthorityRecords);
        Assert.Equal("Web.FLYCAST.", Assert.IsType<AaaaRecord>(Assert.Single(positive.AnswerRecords)).Name.ToString());
    }

    [Fact]
    public void Any_edns_and_malformed_questions_follow_the_internal_rules()
    {
        var any = Respond("web.flycast", RecordType.Any, AcmeInFra);
        Assert.Equal("RFC8482", Assert.IsType<HInfoRecord>(Assert.Single(any.AnswerRecords)).Cpu);
        Assert.Equal(ReturnCode.NxDomain, Respond("nope.flycast", RecordType.Any, AcmeInFra).ReturnCode);

        var edns = Respond("web.flycast", RecordType.Aaaa, AcmeInFra, ednsVersion: 0);
        Assert.True(edns.IsEDnsEnabled);
        Assert.Single(edns.AnswerRecords);
        var badVersion = Respond("web.flycast", RecordType.Aaaa, AcmeInFra, ednsVersion: 1);
        Assert.Equal(ReturnCode.BadVersion, badVersion.ReturnCode);
        Assert.Empty(badVersion.AnswerRecords);

        var malformed = new DnsMessage { IsQuery = true, Questions = [new DnsQuestion(DomainName.Parse("web.flycast"), RecordType.Opt, RecordClass.INet)] };
        Assert.Equal(ReturnCode.FormatError, Assert.IsType<DnsMessage>(_responder.Respond(malformed, AcmeInFra, Table(), "ams", Server)).ReturnCode);
    }
}
