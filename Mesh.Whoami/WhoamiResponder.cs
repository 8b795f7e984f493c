using System.Net;
using ARSoft.Tools.Net;
using ARSoft.Tools.Net.Dns;

namespace Mesh.Whoami;

/// <summary>
/// Answers <c>TXT whoami.ZONE</c> with the asker's address, as outside "what is my IP" DNS
/// services do; other names in the zone do not exist, names outside it are refused (this is no
/// resolver). No sockets, so it is tested directly.
/// </summary>
public sealed class WhoamiResponder(string zone)
{
    private readonly DomainName _zone = DomainName.Parse(zone);
    private readonly DomainName _whoami = DomainName.Parse("whoami." + zone);

    public DomainName Name => _whoami;

    public DnsMessageBase Respond(DnsMessageBase query, IPAddress asker)
    {
        if (query is not DnsMessage message)
        {
            // ARSoft parses one other kind: dynamic updates.
            var update = ((ARSoft.Tools.Net.Dns.DynamicUpdate.DnsUpdateMessage)query).CreateResponseInstance();
            update.ReturnCode = ReturnCode.NotImplemented;
            return update;
        }
        var response = message.CreateResponseInstance();
        // RFC 6891: an OPT in the query gets one back (version 0).
        response.IsEDnsEnabled = message.IsEDnsEnabled;
        if (message.IsEDnsEnabled)
        {
            response.EDnsOptions!.Version = 0;
            response.EDnsOptions.Options.Clear();
        }
        if (message.OperationCode != OperationCode.Query)
        {
            response.ReturnCode = ReturnCode.NotImplemented;
            return response;
        }
        if (!message.IsQuery || message.Questions.Count != 1)
        {
            response.ReturnCode = ReturnCode.FormatError;
            return response;
        }
        var question = message.Questions[0];
        if (question.RecordClass is not (RecordClass.INet or RecordClass.Any) || !question.Name.IsEqualOrSubDomainOf(_zone))
        {
            response.ReturnCode = ReturnCode.Refused;
            return response;
        }
        response.IsAuthoritiveAnswer = true;
        if (!question.Name.Equals(_whoami))
        {
            response.ReturnCode = ReturnCode.NxDomain;
            return response;
        }
        if (question.RecordType is RecordType.Txt or RecordType.Any)
        {
            // TTL 0: the answer is the asker's own address, which no cache may hand to anyone else.
            // The record carries the name as asked (resolvers that randomise its case check it).
            response.AnswerRecords.Add(new TxtRecord(question.Name, 0, CallerAddress.Of(asker)));
        }
        return response;
    }
}
