using System.Net;
using ARSoft.Tools.Net;
using ARSoft.Tools.Net.Dns;
using ARSoft.Tools.Net.Dns.DynamicUpdate;
using Mesh.Domain.Routing;

namespace Mesh.Gateway.Dns;

/// <summary>
/// Turns a parsed DNS query into its response with <see cref="InternalDnsResolver"/>: checks the
/// message shape, maps the answer to ARSoft records. No sockets, so it is tested directly.
/// </summary>
public sealed class InternalDnsResponder(InternalDnsResolver resolver)
{
    /// <summary>
    /// The UDP payload size our OPT record offers: what ARSoft's UDP transport reads of a
    /// datagram, so a client never sends a query we would cut.
    /// </summary>
    public const ushort UdpPayloadSize = 512;

    private static readonly DomainName Apex = DomainName.Parse(InternalZoneSoa.Apex);
    private static readonly DomainName FlycastApex = DomainName.Parse(InternalZoneSoa.FlycastApex);
    private static readonly DomainName NameServer = DomainName.Parse(InternalZoneSoa.NameServer);
    private static readonly DomainName Mailbox = DomainName.Parse(InternalZoneSoa.Mailbox);

    /// <param name="server">The address the query came in on (<c>ns.internal</c>'s answer); null when unknown.</param>
    public DnsMessageBase Respond(DnsMessageBase query, IPAddress asker, RouteTableReplica table, string serverRegion, IPAddress? server = null)
    {
        if (query is not DnsMessage message)
        {
            // ARSoft parses one other kind: dynamic updates, which nobody may make here.
            var refusal = ((DnsUpdateMessage)query).CreateResponseInstance();
            refusal.ReturnCode = ReturnCode.NotImplemented;
            return refusal;
        }
        var response = message.CreateResponseInstance();
        // RFC 6891: a query with OPT gets OPT back (ours: version 0, our payload size); one of a
        // version we do not speak gets BADVERS and nothing else, so the client can retry with 0.
        response.IsEDnsEnabled = message.IsEDnsEnabled;
        if (message.IsEDnsEnabled)
        {
            response.EDnsOptions!.Version = 0;
            response.EDnsOptions.UdpPayloadSize = UdpPayloadSize;
            response.EDnsOptions.Options.Clear();
            if (message.EDnsOptions!.Version > 0)
            {
                response.ReturnCode = ReturnCode.BadVersion;
                return response;
            }
        }
        if (message.OperationCode != OperationCode.Query)
        {
            response.ReturnCode = ReturnCode.NotImplemented;
            return response;
        }
        // One question per query is what every resolver sends; a response sent to us is not a query.
        if (!message.IsQuery || message.Questions.Count != 1 || IsMalformed(message.Questions[0]))
        {
            response.ReturnCode = ReturnCode.FormatError;
            return response;
        }
        var question = message.Questions[0];
        if (question.RecordClass is not (RecordClass.INet or RecordClass.Any))
        {
            response.ReturnCode = ReturnCode.Refused;
            return response;
        }
        var answer = resolver.Resolve(table, question.Name.ToString(), TypeOf(question.RecordType), asker, serverRegion, server);
        response.ReturnCode = answer.Outcome switch
        {
            DnsOutcome.NoError => ReturnCode.NoError,
            DnsOutcome.NxDomain => ReturnCode.NxDomain,
            _ => ReturnCode.Refused,
        };
        response.IsAuthoritiveAnswer = answer.Outcome != DnsOutcome.Refused;
        // Records carry the question's name as asked: resolvers that randomise its case check it.
        foreach (var address in answer.Addresses)
        {
            response.AnswerRecords.Add(new AaaaRecord(question.Name, InternalDnsResolver.TtlSeconds, address));
        }
        foreach (var text in answer.Texts)
        {
            response.AnswerRecords.Add(new TxtRecord(question.Name, InternalDnsResolver.TtlSeconds, TxtChunks.Split(text)));
        }
        switch (answer.Record)
        {
            case ZoneRecord.Soa:
                response.AnswerRecords.Add(Soa(question.Name, table));
                break;
            case ZoneRecord.Ns:
                response.AnswerRecords.Add(new NsRecord(question.Name, InternalDnsResolver.TtlSeconds, NameServer));
                break;
            case ZoneRecord.AnyHinfo:
                response.AnswerRecords.Add(new HInfoRecord(question.Name, InternalDnsResolver.TtlSeconds, "RFC8482", ""));
                break;
        }
        if (answer.IsNegative)
        {
            // RFC 2308 §3: the SOA's TTL is the negative-caching time itself.
            response.AuthorityRecords.Add(Soa(answer.Apex == InternalZoneSoa.FlycastApex ? FlycastApex : Apex, table));
        }
        return response;
    }

    private static SoaRecord Soa(DomainName owner, RouteTableReplica table) => new(
        owner,
        InternalZoneSoa.Minimum,
        NameServer,
        Mailbox,
        InternalZoneSoa.For(table).Serial,
        InternalZoneSoa.Refresh,
        InternalZoneSoa.Retry,
        InternalZoneSoa.Expire,
        InternalZoneSoa.Minimum);

    /// <summary>
    /// Questions no query may ask: type 0 or OPT (a pseudo-record, RFC 6891 §6.1.1) and classes
    /// 0 or NONE (only meaningful in updates, RFC 2136). Other classes are well-formed but not ours.
    /// </summary>
    private static bool IsMalformed(DnsQuestion question) =>
        question.RecordType is 0 or RecordType.Opt
        || question.RecordClass is 0 or RecordClass.None;

    private static DnsQuestionType TypeOf(RecordType type) => type switch
    {
        RecordType.Aaaa => DnsQuestionType.Aaaa,
        RecordType.Txt => DnsQuestionType.Txt,
        RecordType.Soa => DnsQuestionType.Soa,
        RecordType.Ns => DnsQuestionType.Ns,
        RecordType.Any => DnsQuestionType.Any,
        _ => DnsQuestionType.Other,
    };
}
