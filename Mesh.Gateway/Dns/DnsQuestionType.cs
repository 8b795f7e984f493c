namespace Mesh.Gateway.Dns;

/// <summary>The record types the internal zone has data for; every other type is answered with no records.</summary>
public enum DnsQuestionType
{
    Aaaa,
    Txt,
    Other,
}
