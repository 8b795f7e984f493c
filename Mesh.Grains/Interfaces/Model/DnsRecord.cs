namespace Mesh.Interfaces.Model;

/// <summary>A DNS record the user must create for a hostname (<c>A</c>, <c>AAAA</c> or <c>CNAME</c>).</summary>
[GenerateSerializer, Immutable, Alias("mesh.DnsRecord")]
public sealed record DnsRecord(
    [property: Id(0)] string Type,
    [property: Id(1)] string Name,
    [property: Id(2)] string Value);
