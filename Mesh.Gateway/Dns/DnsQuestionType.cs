namespace Mesh.Gateway.Dns;

/// <summary>The record types the internal zone has data for or answers specially; every other type is answered with no records.</summary>
public enum DnsQuestionType
{
    Aaaa,
    Txt,
    Soa,
    Ns,

    /// <summary>ANY (QTYPE 255): answered per RFC 8482, not with every record.</summary>
    Any,
    Other,
}
