namespace Mesh.Gateway.Protocols;

/// <summary>What the gateway routes on from a TLS ClientHello, read before any TLS stack sees it.</summary>
/// <param name="ServerName">The SNI host_name (RFC 6066 §3), exactly as sent; null when the client sent none.</param>
/// <param name="ApplicationProtocols">The ALPN protocol names in the client's order of preference (RFC 7301 §3.1); empty when none.</param>
/// <param name="SupportedVersions">The supported_versions list (RFC 8446 §4.2.1), GREASE values included; empty when absent (a TLS 1.2-only client).</param>
public sealed record ClientHelloInfo(string? ServerName, IReadOnlyList<string> ApplicationProtocols, IReadOnlyList<ushort> SupportedVersions);
