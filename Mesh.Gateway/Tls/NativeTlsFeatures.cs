using System.Net.Security;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Connections.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core.Features;

namespace Mesh.Gateway.Tls;

/// <summary>
/// What Kestrel's TLS stage tells the stages after it, for a handshake <see cref="NativeTlsConnection"/>
/// made: that the connection is TLS (Kestrel's HTTP layer picks h2 by ALPN only then, and refuses h2
/// below TLS 1.2), the SNI, protocol, cipher suite and ALPN result. There is no SslStream to offer.
/// </summary>
internal sealed class NativeTlsFeatures(NativeTlsConnection tls) : ITlsConnectionFeature, ITlsHandshakeFeature, ITlsApplicationProtocolFeature
{
    public X509Certificate2? ClientCertificate { get; set; }

    public Task<X509Certificate2?> GetClientCertificateAsync(CancellationToken cancellationToken) => Task.FromResult(ClientCertificate);

    public ReadOnlyMemory<byte> ApplicationProtocol { get; } = tls.ApplicationProtocol.Protocol;

    public SslProtocols Protocol { get; } = tls.Protocol;

    public TlsCipherSuite? NegotiatedCipherSuite { get; } = tls.CipherSuite;

    public string HostName { get; } = tls.ServerName ?? string.Empty;

#pragma warning disable SYSLIB0058 // Kestrel's feature still carries these; TLS 1.3 has no such split, and nothing here reads them.
    public CipherAlgorithmType CipherAlgorithm => CipherAlgorithmType.None;

    public int CipherStrength => 0;

    public HashAlgorithmType HashAlgorithm => HashAlgorithmType.None;

    public int HashStrength => 0;

    public ExchangeAlgorithmType KeyExchangeAlgorithm => ExchangeAlgorithmType.None;

    public int KeyExchangeStrength => 0;
#pragma warning restore SYSLIB0058
}
