using System.Net;
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
    public DnsMessageBase Respond(DnsMessageBase query, IPAddress asker, RouteTableReplica table, string serverRegion)
    {
        if (query is not DnsMessage message)
        {
            // ARSoft parses one other kind: dynamic updates, which nobody may make here.
            var refusal = ((DnsUpdateMessage)query).CreateResponseInstance();
            refusal.ReturnCode = ReturnCode.NotImplemented;
            return refusal;
        }
        var response = message.CreateResponseInstance();
        if (message.OperationCode != OperationCode.Query)
        {
            response.ReturnCode = ReturnCode.NotImplemented;
            return response;
        }
        // One question per query is what every resolver sends; a response sent to us is not a query.
        if (!message.IsQuery || message.Questions.Count != 1)
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
        var answer = resolver.Resolve(table, question.Name.ToString(), TypeOf(question.RecordType), asker, serverRegion);
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
        return response;
    }

    private static DnsQuestionType TypeOf(RecordType type) => type switch
    {
        RecordType.Aaaa => DnsQuestionType.Aaaa,
        RecordType.Txt => DnsQuestionType.Txt,
        _ => DnsQuestionType.Other,
    };
}
