namespace Mesh.Interfaces.Config;

/// <summary>One <c>tcp_checks</c> entry, durations already clamped to 1 s..1 min (grace may be 0).</summary>
[GenerateSerializer, Immutable, Alias("mesh.TcpCheckConfig")]
public sealed record TcpCheckConfig(
    [property: Id(0)] TimeSpan Interval,
    [property: Id(1)] TimeSpan Timeout,
    [property: Id(2)] TimeSpan GracePeriod);
