using System.Net;
using ARSoft.Tools.Net;
using ARSoft.Tools.Net.Dns;
using Mesh.Gateway.Dns;
using static Mesh.Tests.Dns.TwoOrgTable;

namespace Mesh.Tests.Dns;

/// <summary>
/// The zone's own records and what resolvers rely on: SOA and NS at the apex, the SOA in negative
/// answers (RFC 2308), ANY (RFC 8482), EDNS (RFC 6891) and malformed questions.
/// </summary>
public sealed class InternalZoneApexTests
{
    private static readonly IPAddress Server = IPAddress.Parse("fdaa::3");
    private readonly InternalDnsResolver _resolver = new();
    private readonly InternalDnsResponder _responder = new(new InternalDnsResolver());

    private InternalDnsAnswer Ask(string name, DnsQuestionType type, IPAddress? server = null) =>
        _resolver.Resolve(Build(), name, type, AcmeInFra, "ams", server);

    private static DnsMessage Query(string name, RecordType type, byte? ednsVersion = null)
    {
        var query = new DnsMessage { IsQuery = true, TransactionID = 7, Questions = [new DnsQuestion(DomainName.Parse(name), type, RecordClass.INet)] };
        if (ednsVersion is { } version)
        {
            query.IsEDnsEnabled = true;
            query.EDnsOptions!.Version = version;
            query.EDnsOptions.UdpPayloadSize = 4096;
        }
        return query;
    }

    private DnsMessage Respond(DnsMessage query, long version = 1) =>
        Assert.IsType<DnsMessage>(_responder.Respond(query, AcmeInFra, Build(version), "ams", Server));

    private static void AssertNegativeSoa(DnsMessage response, uint serial = 1)
    {
        Assert.Empty(response.AnswerRecords);
        var soa = Assert.IsType<SoaRecord>(Assert.Single(response.AuthorityRecords));
        Assert.Equal("internal.", soa.Name.ToString());
        Assert.Equal(5, soa.TimeToLive);
        Assert.Equal(5, soa.NegativeCachingTTL);
        Assert.Equal(serial, soa.SerialNumber);
    }

    [Fact]
    public void The_resolver_answers_soa_and_ns_at_the_apex_and_nothing_else_there()
    {
        Assert.Equal(ZoneRecord.Soa, Ask("internal", DnsQuestionType.Soa).Record);
        Assert.Equal(ZoneRecord.Ns, Ask("INTERNAL.", DnsQuestionType.Ns).Record);
        var aaaa = Ask("internal", DnsQuestionType.Aaaa);
        Assert.True(aaaa.IsNegative);
        Assert.Equal(DnsOutcome.NoError, aaaa.Outcome);
        // Other orgs and outsiders: as before.
        Assert.Equal(DnsOutcome.Refused, _resolver.Resolve(Build(), "internal", DnsQuestionType.Soa, IPAddress.Loopback, "ams").Outcome);
    }

    [Fact]
    public void Ns_internal_is_the_specific_ipv6_address_the_query_came_in_on()
    {
        Assert.Equal(Server, Assert.Single(Ask("ns.internal", DnsQuestionType.Aaaa, Server).Addresses));
        Assert.True(Ask("ns.internal", DnsQuestionType.Aaaa, IPAddress.IPv6Any).IsNegative);
        Assert.True(Ask("ns.internal", DnsQuestionType.Aaaa, IPAddress.Loopback).IsNegative);
        Assert.True(Ask("ns.internal", DnsQuestionType.Aaaa).IsNegative);
        Assert.Equal(DnsOutcome.NoError, Ask("ns.internal", DnsQuestionType.Txt, Server).Outcome);
    }

    [Fact]
    public void Negative_answers_are_marked_and_positive_and_refused_ones_are_not()
    {
        Assert.True(Ask("api.internal", DnsQuestionType.Aaaa).IsNegative);          // rival's: NXDOMAIN
        Assert.True(Ask("web.internal", DnsQuestionType.Other).IsNegative);         // NODATA
        Assert.False(Ask("web.internal", DnsQuestionType.Aaaa).IsNegative);
        Assert.False(Ask("example.com", DnsQuestionType.Aaaa).IsNegative);          // REFUSED
    }

    [Fact]
    public void Any_about_an_existing_name_is_the_rfc8482_record_and_a_missing_name_stays_missing()
    {
        Assert.Equal(InternalDnsAnswer.Of(ZoneRecord.AnyHinfo), Ask("web.internal", DnsQuestionType.Any));
        Assert.Equal(InternalDnsAnswer.Of(ZoneRecord.AnyHinfo), Ask("sin.web.internal", DnsQuestionType.Any));
        Assert.Equal(InternalDnsAnswer.Of(ZoneRecord.AnyHinfo), Ask("internal", DnsQuestionType.Any));
        Assert.Equal(InternalDnsAnswer.NxDomain, Ask("api.internal", DnsQuestionType.Any));
        Assert.Equal(InternalDnsAnswer.Refused, Ask("example.com", DnsQuestionType.Any));
    }

    [Fact]
    public void The_soa_names_the_server_and_mailbox_and_its_serial_follows_the_table()
    {
        var response = Respond(Query("Internal", RecordType.Soa), version: (3L << 32) | 42);

        Assert.Equal(ReturnCode.NoError, response.ReturnCode);
        Assert.True(response.IsAuthoritiveAnswer);
        var soa = Assert.IsType<SoaRecord>(Assert.Single(response.AnswerRecords));
        Assert.Equal("Internal.", soa.Name.ToString());
        Assert.Equal("ns.internal.", soa.MasterName.ToString());
        Assert.Equal("hostmaster.internal.", soa.ResponsibleName.ToString());
        Assert.Equal(42u, soa.SerialNumber);
        Assert.Equal((60, 30, 600, 5), (soa.RefreshInterval, soa.RetryInterval, soa.ExpireInterval, soa.NegativeCachingTTL));
        Assert.Empty(response.AuthorityRecords);
    }

    [Fact]
    public void Ns_answers_ns_internal_which_resolves_to_the_server()
    {
        var ns = Assert.IsType<NsRecord>(Assert.Single(Respond(Query("internal", RecordType.Ns)).AnswerRecords));
        var aaaa = Assert.IsType<AaaaRecord>(Assert.Single(Respond(Query("NS.internal", RecordType.Aaaa)).AnswerRecords));

        Assert.Equal("ns.internal.", ns.NameServer.ToString());
        Assert.Equal(Server, aaaa.Address);
        Assert.Equal("NS.internal.", aaaa.Name.ToString());
    }

    [Fact]
    public void Nxdomain_and_nodata_carry_the_apex_soa_in_authority()
    {
        var noName = Respond(Query("nothing.web.internal", RecordType.Aaaa));
        var noA = Respond(Query("web.internal", RecordType.A));
        var noMx = Respond(Query("WEB.internal", RecordType.Mx));

        Assert.Equal(ReturnCode.NxDomain, noName.ReturnCode);
        AssertNegativeSoa(noName);
        Assert.Equal(ReturnCode.NoError, noA.ReturnCode);
        AssertNegativeSoa(noA);
        AssertNegativeSoa(noMx);
        // Refusals say nothing about the zone.
        Assert.Empty(Assert.IsType<DnsMessage>(_responder.Respond(Query("web.internal", RecordType.A), IPAddress.Loopback, Build(), "ams")).AuthorityRecords);
    }

    [Fact]
    public void Any_is_one_hinfo_record_under_the_asked_name()
    {
        var response = Respond(Query("Web.internal", RecordType.Any));

        var hinfo = Assert.IsType<HInfoRecord>(Assert.Single(response.AnswerRecords));
        Assert.Equal("RFC8482", hinfo.Cpu);
        Assert.Equal("", hinfo.OperatingSystem);
        Assert.Equal("Web.internal.", hinfo.Name.ToString());
        Assert.Equal(5, hinfo.TimeToLive);
    }

    [Fact]
    public void Edns_0_gets_our_opt_and_a_higher_version_gets_badvers_with_opt_0()
    {
        var plain = Respond(Query("web.internal", RecordType.Aaaa));
        var zero = Respond(Query("web.internal", RecordType.Aaaa, ednsVersion: 0));
        var one = Respond(Query("web.internal", RecordType.Aaaa, ednsVersion: 1));

        Assert.False(plain.IsEDnsEnabled);
        Assert.True(zero.IsEDnsEnabled);
        Assert.Equal(0, zero.EDnsOptions!.Version);
        Assert.Equal(InternalDnsResponder.UdpPayloadSize, zero.EDnsOptions.UdpPayloadSize);
        Assert.Equal(4, zero.AnswerRecords.Count);
        Assert.Equal(ReturnCode.BadVersion, one.ReturnCode);
        Assert.True(one.IsEDnsEnabled);
        Assert.Equal(0, one.EDnsOptions!.Version);
        Assert.Empty(one.AnswerRecords);
    }

    [Theory]
    [InlineData(RecordType.Opt, RecordClass.INet)]
    [InlineData((RecordType)0, RecordClass.INet)]
    [InlineData(RecordType.Aaaa, RecordClass.None)]
    [InlineData(RecordType.Aaaa, (RecordClass)0)]
    public void Questions_no_query_may_ask_get_formerr(RecordType type, RecordClass recordClass)
    {
        var query = new DnsMessage { IsQuery = true, Questions = [new DnsQuestion(DomainName.Parse("web.internal"), type, recordClass)] };

        Assert.Equal(ReturnCode.FormatError, Respond(query).ReturnCode);
    }
}
