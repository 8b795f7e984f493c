using System.Collections.Immutable;

namespace Mesh.Interfaces.Model;

/// <summary>An instance of an app as the control plane knows it.</summary>
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
    public InstanceRoute ToRoute() => new(Id, App, Region, Address, State, Health, PrivateIp);
}
