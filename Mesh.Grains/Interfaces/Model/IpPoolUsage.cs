namespace Mesh.Interfaces.Model;

/// <summary>How much of each pool is in use.</summary>
[GenerateSerializer, Immutable, Alias("mesh.IpPoolUsage")]
public sealed record IpPoolUsage(
    [property: Id(0)] int DedicatedV4InUse,
    [property: Id(1)] long DedicatedV4Size,
    [property: Id(2)] int V6InUse,
    [property: Id(3)] int SharedV4Holders,
    [property: Id(4)] string SharedV4Address);
