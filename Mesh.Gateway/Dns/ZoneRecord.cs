namespace Mesh.Gateway.Dns;

/// <summary>A record of the zone itself, rather than of an app, that an answer carries.</summary>
public enum ZoneRecord
{
    None,

    /// <summary>The apex SOA (<see cref="InternalZoneSoa"/>) as the answer.</summary>
    Soa,

    /// <summary>The apex NS: <see cref="InternalZoneSoa.NameServer"/>.</summary>
    Ns,

    /// <summary>RFC 8482's synthesized HINFO "RFC8482" for an ANY question about an existing name.</summary>
    AnyHinfo,
}
