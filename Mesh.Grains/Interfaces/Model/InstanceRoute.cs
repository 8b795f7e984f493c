namespace Mesh.Interfaces.Model;

/// <summary>What a gateway needs of an instance to pick it and connect to it.</summary>
[GenerateSerializer, Immutable, Alias("mesh.InstanceRoute")]
public sealed record InstanceRoute(
    [property: Id(0)] string Id,
    [property: Id(1)] string App,
    [property: Id(2)] string Region,
    [property: Id(3)] string Address,
    [property: Id(4)] InstanceState State,
    [property: Id(5)] InstanceHealth Health,
    [property: Id(6)] string PrivateIp)
{
    public bool IsRoutable => State == InstanceState.Started && Health == InstanceHealth.Passing;
}
