using System.Net;
using ARSoft.Tools.Net;
using ARSoft.Tools.Net.Dns;
using ARSoft.Tools.Net.Dns.DynamicUpdate;
using Mesh.Gateway.Dns;
using static Mesh.Tests.Dns.TwoOrgTable;

namespace Mesh.Tests.Dns;

public sealed class InternalDnsResponderTests
{
    private readonly InternalDnsResponder _responder = new(new InternalDnsResolver());

    private static DnsMessage Query(string name, RecordType type, RecordClass recordClass = RecordClass.INet) => new()
    {
        IsQuery = true,
        TransactionID = 4711,
        Questions = [new DnsQuestion(DomainName.Parse(name), type, recordClass)],
    };

    private DnsMessage Respond(DnsMessageBase query, IPAddress? asker = null) =>
        Assert.IsType<DnsMessage>(_responder.Respond(query, asker ?? AcmeInFra, Build(), "ams"));

    [Fact]
    public void Aaaa_answers_are_authoritative_with_a_five_second_ttl_under_the_asked_name()
    {
        var response = Respond(Query("Syd.Web.Internal", RecordType.Aaaa));

        Assert.Equal(ReturnCode.NoError, response.ReturnCode);
        Assert.Equal((ushort)4711, response.TransactionID);
        Assert.False(response.IsQuery);
        Assert.True(response.IsAuthoritiveAnswer);
        Assert.False(response.IsRecursionAllowed);
        var record = Assert.IsType<AaaaRecord>(Assert.Single(response.AnswerRecords));
        Assert.Equal(Ip("w-syd-1", "acme", "syd"), record.Address);
        Assert.Equal(5, record.TimeToLive);
        Assert.Equal("Syd.Web.Internal.", record.Name.ToString());
        Assert.Equal("Syd.Web.Internal.", Assert.Single(response.Questions).Name.ToString());
    }

    [Fact]
    public void Each_txt_string_is_one_record_and_long_ones_are_split_into_255_byte_parts()
    {
        var many = Enumerable.Range(0, 40).Select(i => Instance($"w-lhr-{i:D3}", "web", "acme", "lhr")).ToArray();
        var table = Build(2, many);

        var vms = Assert.IsType<DnsMessage>(_responder.Respond(Query("vms.web.internal", RecordType.Txt), AcmeInFra, table, "ams"));
        var instances = Assert.IsType<DnsMessage>(_responder.Respond(Query("_instances.internal", RecordType.Txt), AcmeInFra, table, "ams"));

        var record = Assert.IsType<TxtRecord>(Assert.Single(vms.AnswerRecords));
        Assert.True(record.TextParts.Count() > 1);
        Assert.All(record.TextParts, p => Assert.InRange(p.Length, 1, 255));
        Assert.StartsWith("w-ams-1 ams,w-ams-2 ams,w-fra-1 fra,w-lhr-000 lhr,", record.TextData);
        Assert.EndsWith(",w-lhr-039 lhr,w-syd-1 syd", record.TextData);
        Assert.Equal(44, instances.AnswerRecords.Count);
        Assert.All(instances.AnswerRecords, r => Assert.Equal(5, r.TimeToLive));
    }

    [Fact]
    public void No_data_and_no_such_name_are_authoritative_and_empty()
    {
        var noData = Respond(Query("web.internal", RecordType.A));
        var noName = Respond(Query("api.internal", RecordType.Aaaa));

        Assert.Equal(ReturnCode.NoError, noData.ReturnCode);
        Assert.True(noData.IsAuthoritiveAnswer);
        Assert.Empty(noData.AnswerRecords);
        Assert.Equal(ReturnCode.NxDomain, noName.ReturnCode);
        Assert.True(noName.IsAuthoritiveAnswer);
        Assert.Empty(noName.AnswerRecords);
    }

    [Fact]
    public void Askers_outside_the_private_network_and_other_zones_are_refused()
    {
        var loopback = Respond(Query("web.internal", RecordType.Aaaa), IPAddress.Loopback);
        var elsewhere = Respond(Query("example.com", RecordType.Aaaa));

        Assert.Equal(ReturnCode.Refused, loopback.ReturnCode);
        Assert.False(loopback.IsAuthoritiveAnswer);
        Assert.Empty(loopback.AnswerRecords);
        Assert.Equal(ReturnCode.Refused, elsewhere.ReturnCode);
    }

    [Fact]
    public void Queries_of_the_wrong_shape_get_format_not_implemented_or_refused()
    {
        var none = new DnsMessage { IsQuery = true };
        var two = Query("web.internal", RecordType.Aaaa);
        two.Questions.Add(new DnsQuestion(DomainName.Parse("db.internal"), RecordType.Aaaa, RecordClass.INet));
        var notify = Query("web.internal", RecordType.Aaaa);
        notify.OperationCode = OperationCode.Notify;
        var response = Query("web.internal", RecordType.Aaaa);
        response.IsQuery = false;

        Assert.Equal(ReturnCode.FormatError, Respond(none).ReturnCode);
        Assert.Equal(ReturnCode.FormatError, Respond(two).ReturnCode);
        Assert.Equal(ReturnCode.FormatError, Respond(response).ReturnCode);
        Assert.Equal(ReturnCode.NotImplemented, Respond(notify).ReturnCode);
        Assert.Equal(ReturnCode.Refused, Respond(Query("web.internal", RecordType.Txt, RecordClass.Chaos)).ReturnCode);
        Assert.Equal(ReturnCode.NoError, Respond(Query("web.internal", RecordType.Aaaa, RecordClass.Any)).ReturnCode);
        var update = _responder.Respond(new DnsUpdateMessage { ZoneName = DomainName.Parse("internal") }, AcmeInFra, Build(), "ams");
        Assert.Equal(ReturnCode.NotImplemented, update.ReturnCode);
    }

    [Fact]
    public void Txt_chunks_keep_short_strings_whole_and_split_long_ones_in_order()
    {
        Assert.Equal(["abc"], TxtChunks.Split("abc"));
        Assert.Equal([""], TxtChunks.Split(""));
        var text = new string('x', 255) + new string('y', 255) + "z";
        Assert.Equal([new string('x', 255), new string('y', 255), "z"], TxtChunks.Split(text));
    }
}
