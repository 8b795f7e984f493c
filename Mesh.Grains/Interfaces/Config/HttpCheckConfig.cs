using System.Collections.Immutable;

namespace Mesh.Interfaces.Config;

/// <summary>One <c>http_checks</c> (or <c>http_service.checks</c>) entry; 2xx passes, redirects are not followed.</summary>
[GenerateSerializer, Immutable, Alias("mesh.HttpCheckConfig")]
public sealed record HttpCheckConfig(
    [property: Id(0)] TimeSpan Interval,
    [property: Id(1)] TimeSpan Timeout,
    [property: Id(2)] TimeSpan GracePeriod,
    [property: Id(3)] string Method,
    [property: Id(4)] string Path,
    [property: Id(5)] string Protocol,
    [property: Id(6)] string? TlsServerName,
    [property: Id(7)] bool TlsSkipVerify,
    [property: Id(8)] ImmutableArray<HeaderValue> Headers);

[GenerateSerializer, Immutable, Alias("mesh.HeaderValue")]
public sealed record HeaderValue([property: Id(0)] string Name, [property: Id(1)] string Value);
