using System.Net;

namespace Mesh.Gateway.Protocols;

/// <summary>
/// A parsed PROXY protocol header. <see cref="Source"/> and <see cref="Destination"/> are null when
/// the sender said nothing usable about the original connection (v1 "UNKNOWN", v2 LOCAL, or a v2
/// family/transport other than TCP over IPv4/IPv6): the receiver then uses the real socket
/// endpoints (proxy-protocol.txt §2.1, §2.2).
/// </summary>
/// <param name="Source">The original client endpoint.</param>
/// <param name="Destination">The endpoint the client dialled.</param>
/// <param name="Version">1 (text) or 2 (binary).</param>
/// <param name="Authority">v2 PP2_TYPE_AUTHORITY: the host name the client asked for (its SNI), when sent.</param>
/// <param name="Ssl">v2 PP2_TYPE_SSL: the TLS the sender ended, when sent.</param>
public sealed record ProxyHeader(IPEndPoint? Source, IPEndPoint? Destination, int Version, string? Authority = null, ProxySsl? Ssl = null);
