using System.Collections.Immutable;

namespace Mesh.Interfaces.Model;

/// <summary>
/// An instance of an app as the control plane knows it. <see cref="OutboundIp"/> is the IPv6 it is
/// seen from on the Internet: its region's egress address (<c>Mesh:Regions:CODE:EgressV6</c>), or its
/// private address where the region has none; it changes when the instance is registered elsewhere.
/// </summary>
[GenerateSerializer, Immutable, Alias("mesh.InstanceInfo")]
public sealed record InstanceInfo(
    [property: Id(0)] string Id,
    [property: Id(1)] string App,
    [property: Id(2)] string Org,
    [property: Id(3)] string Region,
    [property: Id(4)] string Address,
    [property: Id(5)] InstanceState State,
    [property: Id(6)] InstanceHealth Health,
    [property: Id(7)] string PrivateIp,
    [property: Id(8)] string OutboundIp,
    [property: Id(9)] ImmutableDictionary<string, string> Metadata,
    [property: Id(10)] DateTimeOffset RegisteredAt,
    [property: Id(11)] DateTimeOffset UpdatedAt)
{
    /// <summary>The IPv4 its outbound IPv4 traffic is translated to (<c>Mesh:Regions:CODE:EgressV4</c>); null where the region has none.</summary>
    [Id(12)] public string? OutboundIpV4 { get; init; }

    public InstanceRoute ToRoute() => new(Id, App, Region, Address, State, Health, PrivateIp);
}
