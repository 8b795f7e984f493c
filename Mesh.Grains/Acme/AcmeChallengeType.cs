namespace Mesh.Acme;

/// <summary>The challenge types Mesh answers (RFC 8555 §8.3, RFC 8737).</summary>
public static class AcmeChallengeType
{
    public const string Http01 = "http-01";
    public const string TlsAlpn01 = "tls-alpn-01";

    /// <summary>The ALPN protocol a CA offers when it validates tls-alpn-01.</summary>
    public const string AlpnProtocol = "acme-tls/1";
}
