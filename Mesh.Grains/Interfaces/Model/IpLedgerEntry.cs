namespace Mesh.Interfaces.Model;

/// <summary>Who held which address from when to when: what a monthly IPv4 bill is computed from.</summary>
[GenerateSerializer, Immutable, Alias("mesh.IpLedgerEntry")]
public sealed record IpLedgerEntry(
    [property: Id(0)] string App,
    [property: Id(1)] string Address,
    [property: Id(2)] IpKind Kind,
    [property: Id(3)] DateTimeOffset AllocatedAt,
    [property: Id(4)] DateTimeOffset? ReleasedAt)
{
    /// <summary>For <see cref="IpKind.PrivateV6"/>: the org whose private network the address is in.</summary>
    [Id(5)] public string? Network { get; init; }
}
