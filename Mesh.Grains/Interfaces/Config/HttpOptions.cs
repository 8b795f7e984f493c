using System.Collections.Immutable;

namespace Mesh.Interfaces.Config;

/// <summary><c>http_options</c> of a port (timeouts in seconds).</summary>
[GenerateSerializer, Immutable, Alias("mesh.HttpOptions")]
public sealed record HttpOptions(
    [property: Id(0)] bool Compress,
    [property: Id(1)] bool H2Backend,
    [property: Id(2)] int? IdleTimeoutSeconds,
    [property: Id(3)] int? HeadersReadTimeoutSeconds,
    [property: Id(4)] bool Pristine,
    [property: Id(5)] ImmutableArray<ResponseHeaderRule> ResponseHeaders);

/// <summary>
/// One <c>http_options.response.headers</c> entry: <c>Name = false</c> removes the header,
/// a string or an array of strings adds values.
/// </summary>
[GenerateSerializer, Immutable, Alias("mesh.ResponseHeaderRule")]
public sealed record ResponseHeaderRule(
    [property: Id(0)] string Name,
    [property: Id(1)] bool Remove,
    [property: Id(2)] ImmutableArray<string> Values);
