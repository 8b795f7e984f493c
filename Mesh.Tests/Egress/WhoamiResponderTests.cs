using System.Net;
using ARSoft.Tools.Net;
using ARSoft.Tools.Net.Dns;
using Mesh.Whoami;

namespace Mesh.Tests.Egress;

/// <summary>mesh-whoami's DNS answers, without sockets.</summary>
public sealed class WhoamiResponderTests
{
    private readonly WhoamiResponder _responder = new("mesh-internet.test");

    private static DnsMessage Query(string name, RecordType type, RecordClass recordClass = RecordClass.INet) => new()
    {
        IsQuery = true,
        TransactionID = 4711,
        Questions = [new DnsQuestion(DomainName.Parse(name), type, recordClass)],
    };

    private DnsMessage Respond(DnsMessageBase query, string asker = "2001:db8:ee::11") =>
        Assert.IsType<DnsMessage>(_responder.Respond(query, IPAddress.Parse(asker)));

    [Theory]
    [InlineData("2001:db8:ee::11", "2001:db8:ee::11")]
    [InlineData("198.51.100.11", "198.51.100.11")]
    [InlineData("::ffff:198.51.100.12", "198.51.100.12")]
    public void Txt_whoami_is_the_askers_address_uncached_under_the_name_as_asked(string asker, string text)
    {
        var response = Respond(Query("WhoAmI.Mesh-Internet.Test", RecordType.Txt), asker);

        Assert.Equal(ReturnCode.NoError, response.ReturnCode);
        Assert.Equal((ushort)4711, response.TransactionID);
        Assert.True(response.IsAuthoritiveAnswer);
        var record = Assert.IsType<TxtRecord>(Assert.Single(response.AnswerRecords));
        Assert.Equal(text, record.TextData);
        Assert.Equal(0, record.TimeToLive);
        Assert.Equal("WhoAmI.Mesh-Internet.Test.", record.Name.ToString());
    }

    [Fact]
    public void Other_types_of_the_name_are_empty_other_names_in_the_zone_do_not_exist_and_the_rest_is_refused()
    {
        var aaaa = Respond(Query("whoami.mesh-internet.test", RecordType.Aaaa));
        var other = Respond(Query("who.mesh-internet.test", RecordType.Txt));
        var outside = Respond(Query("whoami.cloudflare", RecordType.Txt));
        var chaos = Respond(Query("whoami.mesh-internet.test", RecordType.Txt, RecordClass.Chaos));

        Assert.Equal(ReturnCode.NoError, aaaa.ReturnCode);
        Assert.Empty(aaaa.AnswerRecords);
        Assert.Equal(ReturnCode.NxDomain, other.ReturnCode);
        Assert.True(other.IsAuthoritiveAnswer);
        Assert.Equal(ReturnCode.Refused, outside.ReturnCode);
        Assert.False(outside.IsAuthoritiveAnswer);
        Assert.Equal(ReturnCode.Refused, chaos.ReturnCode);
    }

    [Fact]
    public void An_edns_query_gets_version_0_back_and_a_query_without_one_question_is_a_format_error()
    {
        var edns = Query("whoami.mesh-internet.test", RecordType.Txt);
        edns.IsEDnsEnabled = true;
        var empty = new DnsMessage { IsQuery = true };

        var answered = Respond(edns);

        Assert.True(answered.IsEDnsEnabled);
        Assert.Equal(0, answered.EDnsOptions!.Version);
        Assert.Single(answered.AnswerRecords);
        Assert.Equal(ReturnCode.FormatError, Respond(empty).ReturnCode);
    }
}
