using System.Collections.Immutable;
using System.Net;

namespace Mesh.Gateway.Dns;

/// <summary>
/// What the internal zone says about one question: a response code and AAAA addresses, TXT
/// strings or a record of the zone itself (<see cref="ZoneRecord"/>).
/// </summary>
public sealed record InternalDnsAnswer(DnsOutcome Outcome, ImmutableArray<IPAddress> Addresses, ImmutableArray<string> Texts, ZoneRecord Record = ZoneRecord.None)
{
    /// <summary>The zone the answer is from: its apex SOA goes in the authority section of a negative answer.</summary>
    public string Apex { get; init; } = InternalZoneSoa.Apex;

    public static InternalDnsAnswer Refused { get; } = new(DnsOutcome.Refused, [], []);

    public static InternalDnsAnswer NxDomain { get; } = new(DnsOutcome.NxDomain, [], []);

    /// <summary>The name exists but has no records of the asked type.</summary>
    public static InternalDnsAnswer NoData { get; } = new(DnsOutcome.NoError, [], []);

    public bool IsEmpty => Addresses.IsEmpty && Texts.IsEmpty && Record == ZoneRecord.None;

    /// <summary>
    /// NXDOMAIN or NODATA from the zone: the response carries the apex SOA in its authority
    /// section, which is how a resolver learns how long to cache the absence (RFC 2308).
    /// </summary>
    public bool IsNegative => Outcome == DnsOutcome.NxDomain || (Outcome == DnsOutcome.NoError && IsEmpty);

    /// <summary>One of the zone's own records.</summary>
    public static InternalDnsAnswer Of(ZoneRecord record) => new(DnsOutcome.NoError, [], [], record);

    /// <summary>Addresses for an AAAA question; NODATA for other types or when there are none.</summary>
    public static InternalDnsAnswer OfAddresses(DnsQuestionType type, ImmutableArray<IPAddress> addresses) =>
        type == DnsQuestionType.Aaaa && !addresses.IsEmpty ? new(DnsOutcome.NoError, addresses, []) : NoData;

    /// <summary>Strings (one TXT record each) for a TXT question; NODATA for other types or when there are none.</summary>
    public static InternalDnsAnswer OfTexts(DnsQuestionType type, ImmutableArray<string> texts) =>
        type == DnsQuestionType.Txt && !texts.IsEmpty ? new(DnsOutcome.NoError, [], texts) : NoData;

    /// <summary>One TXT string, or NODATA when it is empty.</summary>
    public static InternalDnsAnswer OfText(DnsQuestionType type, string text) =>
        text.Length == 0 ? NoData : OfTexts(type, [text]);
}
