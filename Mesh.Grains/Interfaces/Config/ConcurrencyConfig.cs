namespace Mesh.Interfaces.Config;

/// <summary>
/// <c>concurrency</c>: what is counted (<c>connections</c> or <c>requests</c>), the soft limit
/// that orders instances within a region (default 20) and the hard limit (default none).
/// </summary>
[GenerateSerializer, Immutable, Alias("mesh.ConcurrencyConfig")]
public sealed record ConcurrencyConfig(
    [property: Id(0)] string Type,
    [property: Id(1)] int SoftLimit,
    [property: Id(2)] int? HardLimit)
{
    public const string Connections = "connections";
    public const string Requests = "requests";
    public static ConcurrencyConfig Default { get; } = new(Connections, 20, null);
}
