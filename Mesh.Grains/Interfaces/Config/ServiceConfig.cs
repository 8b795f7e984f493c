using System.Collections.Immutable;

namespace Mesh.Interfaces.Config;

/// <summary>One <c>[[services]]</c> entry (or the expansion of <c>[http_service]</c>).</summary>
[GenerateSerializer, Immutable, Alias("mesh.ServiceConfig")]
public sealed record ServiceConfig(
    [property: Id(0)] string Protocol,
    [property: Id(1)] int InternalPort,
    [property: Id(2)] ImmutableArray<string> Processes,
    [property: Id(3)] ImmutableArray<PortConfig> Ports,
    [property: Id(4)] ConcurrencyConfig Concurrency,
    [property: Id(5)] ImmutableArray<TcpCheckConfig> TcpChecks,
    [property: Id(6)] ImmutableArray<HttpCheckConfig> HttpChecks,
    [property: Id(7)] bool FromHttpService)
{
    public const string Tcp = "tcp";
    public const string Udp = "udp";
}
