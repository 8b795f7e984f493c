using System.Collections.Immutable;

namespace Mesh.Interfaces.Config;

/// <summary><c>tls_options</c>: ALPN list offered, allowed versions (TLSv1.2/TLSv1.3), self-signed fallback.</summary>
[GenerateSerializer, Immutable, Alias("mesh.TlsOptions")]
public sealed record TlsOptions(
    [property: Id(0)] ImmutableArray<string> Alpn,
    [property: Id(1)] ImmutableArray<string> Versions,
    [property: Id(2)] bool DefaultSelfSigned);
