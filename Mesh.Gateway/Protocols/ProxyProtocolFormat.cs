namespace Mesh.Gateway.Protocols;

/// <summary>
/// Constants of the HAProxy PROXY protocol (doc/proxy-protocol.txt, versions 1 and 2) shared by
/// <see cref="ProxyProtocolWriter"/> and <see cref="ProxyProtocolReader"/>.
/// </summary>
internal static class ProxyProtocolFormat
{
    /// <summary>§2.1: "PROXY" starts every v1 line; receivers match it before anything else.</summary>
    public static ReadOnlySpan<byte> V1Prefix => "PROXY"u8;

    /// <summary>
    /// §2.1: the worst case is "PROXY UNKNOWN" plus two full IPv6 addresses and ports: 107 bytes
    /// including CRLF. A receiver that has not seen CRLF within 107 bytes must give up.
    /// </summary>
    public const int MaxV1Length = 107;

    /// <summary>§2.2: the 12-byte v2 signature. It contains NUL and CR LF so that no v1 or HTTP parser takes it for text.</summary>
    public static ReadOnlySpan<byte> V2Signature => [0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D, 0x0A, 0x51, 0x55, 0x49, 0x54, 0x0A];

    /// <summary>§2.2: signature (12) + ver_cmd (1) + fam (1) + len (2).</summary>
    public const int V2FixedLength = 16;

    /// <summary>§2.2: the high nibble of ver_cmd is the protocol version, which must be 2.</summary>
    public const byte V2Version = 0x20;

    /// <summary>§2.2: low nibble of ver_cmd. LOCAL is the sender's own connection (health check): use the real endpoints.</summary>
    public const byte CommandLocal = 0x00;

    /// <summary>§2.2: low nibble of ver_cmd. PROXY carries the original endpoints in the address block.</summary>
    public const byte CommandProxy = 0x01;

    /// <summary>§2.2: the high nibble of fam is the address family; 0x3 (AF_UNIX) is the last one defined.</summary>
    public const int MaxFamily = 0x3;

    /// <summary>§2.2: the low nibble of fam is the transport; 0x2 (DGRAM) is the last one defined.</summary>
    public const int MaxTransport = 0x2;

    /// <summary>§2.2: fam byte for TCP over IPv4 (AF_INET high nibble, SOCK_STREAM low nibble).</summary>
    public const byte TcpOverIPv4 = 0x11;

    /// <summary>§2.2: fam byte for TCP over IPv6.</summary>
    public const byte TcpOverIPv6 = 0x21;

    /// <summary>§2.2: the IPv4 address block: src addr (4), dst addr (4), src port (2), dst port (2).</summary>
    public const int IPv4BlockLength = 12;

    /// <summary>§2.2: the IPv6 address block: src addr (16), dst addr (16), src port (2), dst port (2).</summary>
    public const int IPv6BlockLength = 36;

    /// <summary>§2.2: each TLV after the address block is type (1), length (2, big-endian), then the value.</summary>
    public const int TlvHeaderLength = 3;

    /// <summary>§2.2.2: PP2_TYPE_AUTHORITY, the host name the client asked for (UTF-8).</summary>
    public const byte TypeAuthority = 0x02;

    /// <summary>§2.2.5: PP2_TYPE_SSL: client (1) and verify (4, big-endian), then sub-TLVs.</summary>
    public const byte TypeSsl = 0x20;

    /// <summary>§2.2.5: the SSL TLV's fixed part: client (1) + verify (4).</summary>
    public const int SslFixedLength = 5;

    /// <summary>§2.2.5: PP2_SUBTYPE_SSL_VERSION, e.g. "TLSv1.3" (US-ASCII).</summary>
    public const byte SubtypeSslVersion = 0x21;

    /// <summary>§2.2.5: PP2_SUBTYPE_SSL_CIPHER, the cipher's name (US-ASCII).</summary>
    public const byte SubtypeSslCipher = 0x23;

    /// <summary>The longest authority this gateway writes: a DNS name is at most 253 bytes (RFC 1035 §2.3.4).</summary>
    public const int MaxAuthorityLength = 255;

    /// <summary>The longest version or cipher name this gateway writes in a sub-TLV.</summary>
    public const int MaxSslNameLength = 64;
}
