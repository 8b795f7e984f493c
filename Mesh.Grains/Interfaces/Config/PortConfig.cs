using System.Collections.Immutable;

namespace Mesh.Interfaces.Config;

/// <summary>
/// One <c>[[services.ports]]</c> entry: a single <see cref="Port"/>, or a range
/// (<see cref="StartPort"/>..<see cref="EndPort"/>; a missing start means 0 and a missing end 65535,
/// as fly-go's ContainsPort reads it). <see cref="Handlers"/> are sorted; empty means raw TCP.
/// </summary>
[GenerateSerializer, Immutable, Alias("mesh.PortConfig")]
public sealed record PortConfig(
    [property: Id(0)] int? Port,
    [property: Id(1)] int? StartPort,
    [property: Id(2)] int? EndPort,
    [property: Id(3)] ImmutableArray<string> Handlers,
    [property: Id(4)] bool ForceHttps,
    [property: Id(5)] TlsOptions? TlsOptions,
    [property: Id(6)] HttpOptions? HttpOptions,
    [property: Id(7)] ProxyProtoOptions? ProxyProtoOptions)
{
    public int FirstPort => Port ?? StartPort ?? 0;
    public int LastPort => Port ?? EndPort ?? 65535;
    public bool Contains(int port) => port >= FirstPort && port <= LastPort;
    public bool Has(string handler) => Handlers.Contains(handler);
}
