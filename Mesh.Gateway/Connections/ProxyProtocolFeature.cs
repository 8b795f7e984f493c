using Mesh.Gateway.Protocols;

namespace Mesh.Gateway.Connections;

/// <summary>
/// The PROXY header a trusted balancer sent in front of this connection, for the stages after
/// the PROXY stage: the HTTP stage takes a PP2_TYPE_SSL TLV with PP2_CLIENT_SSL to mean that the
/// balancer ended TLS, so the client's requests are https (X-Forwarded-Proto, force_https).
/// </summary>
public sealed class ProxyProtocolFeature(ProxyHeader header)
{
    public ProxyHeader Header { get; } = header;

    /// <summary>The client reached the balancer over TLS (v2 SSL TLV, PP2_CLIENT_SSL).</summary>
    public bool ClientSsl => Header.Ssl?.ClientSsl == true;
}
