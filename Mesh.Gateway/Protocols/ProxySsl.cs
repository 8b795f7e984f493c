namespace Mesh.Gateway.Protocols;

/// <summary>
/// The PP2_TYPE_SSL TLV of a PROXY v2 header (proxy-protocol.txt §2.2.5): what the sender knows of
/// the TLS it ended. <see cref="Client"/> holds the PP2_CLIENT_* bits; <see cref="Verify"/> is zero
/// only when the client presented a certificate that was verified.
/// </summary>
/// <param name="Client">PP2_CLIENT_SSL (0x01), PP2_CLIENT_CERT_CONN (0x02), PP2_CLIENT_CERT_SESS (0x04).</param>
/// <param name="Verify">0: a client certificate was presented and verified; anything else: not.</param>
/// <param name="Version">PP2_SUBTYPE_SSL_VERSION, e.g. "TLSv1.3", when sent.</param>
/// <param name="Cipher">PP2_SUBTYPE_SSL_CIPHER, when sent.</param>
public sealed record ProxySsl(byte Client, uint Verify, string? Version = null, string? Cipher = null)
{
    /// <summary>PP2_CLIENT_SSL: the client connected over SSL/TLS.</summary>
    public const byte ClientSslFlag = 0x01;

    /// <summary>PP2_CLIENT_CERT_CONN: the client presented a certificate on this connection.</summary>
    public const byte ClientCertificateFlag = 0x02;

    /// <summary>Whether the client's connection to the sender was TLS.</summary>
    public bool ClientSsl => (Client & ClientSslFlag) != 0;

    /// <summary>What a TLS-terminating sender says with no client certificate asked for: TLS, not verified (the spec's "non-zero otherwise").</summary>
    public static ProxySsl Terminated(string? version) => new(ClientSslFlag, 1, version);
}
