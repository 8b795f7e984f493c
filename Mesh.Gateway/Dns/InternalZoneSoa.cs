using Mesh.Domain.Routing;

namespace Mesh.Gateway.Dns;

/// <summary>
/// The SOA of the <c>internal</c> apex (and of <c>flycast</c>, <see cref="FlycastApex"/>): in the answer to <c>SOA internal.</c> and in the
/// authority section of every NXDOMAIN and NODATA, so resolvers cache negatively (RFC 2308) for
/// <see cref="Minimum"/>, the same 5 s as positive answers.
/// </summary>
public sealed record InternalZoneSoa(uint Serial)
{
    public const string Apex = "internal.";

    /// <summary>
    /// <c>APP.flycast</c> names live in a zone of their own, answered by the same servers with the
    /// same SOA fields and name server: <c>flycast.</c> is an apex just like <c>internal.</c>.
    /// </summary>
    public const string FlycastApex = "flycast.";

    /// <summary>The name server every gateway answers as; it resolves to the address the query came in on.</summary>
    public const string NameServer = "ns.internal.";

    /// <summary>RFC 1035's mailbox as a name: hostmaster@internal.</summary>
    public const string Mailbox = "hostmaster.internal.";

    // No secondaries transfer this zone (every gateway answers from its own table), so these
    // only need to be plausible: the RFC 1912 suggestions scaled to a zone that changes in seconds.
    public const int Refresh = 60;
    public const int Retry = 30;
    public const int Expire = 600;

    /// <summary>Negative-caching TTL (RFC 2308: the SOA minimum field).</summary>
    public const int Minimum = InternalDnsResolver.TtlSeconds;

    /// <summary>
    /// The serial is the table version's change count (its low 32 bits): it grows with every
    /// change; a new publisher epoch restarts it, which only matters to zone transfers, and there are none.
    /// </summary>
    public static InternalZoneSoa For(RouteTableReplica table) => new(unchecked((uint)table.Version));
}
