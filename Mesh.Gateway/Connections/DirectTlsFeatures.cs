using System.Net.Security;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Connections.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core.Features;

namespace Mesh.Gateway.Connections;

/// <summary>
/// What Kestrel's TLS stage tells the stages after it, for a handshake <see cref="DirectTlsStage"/>
/// made: that the connection is TLS (Kestrel's HTTP layer picks h2 by ALPN only then), the SNI and
/// protocol, the ALPN result and the stream.
/// </summary>
internal sealed class DirectTlsFeatures(SslStream stream) : ITlsConnectionFeature, ITlsHandshakeFeature, ITlsApplicationProtocolFeature, ISslStreamFeature
{
    private readonly ReadOnlyMemory<byte> _alpn = stream.NegotiatedApplicationProtocol.Protocol;

    public SslStream SslStream => stream;

    public X509Certificate2? ClientCertificate { get; set; }

    public Task<X509Certificate2?> GetClientCertificateAsync(CancellationToken cancellationToken) => Task.FromResult(ClientCertificate);

    public ReadOnlyMemory<byte> ApplicationProtocol => _alpn;

    public SslProtocols Protocol => stream.SslProtocol;

    public TlsCipherSuite? NegotiatedCipherSuite => stream.NegotiatedCipherSuite;

    public string HostName => stream.TargetHostName;

#pragma warning disable SYSLIB0058 // Kestrel's feature still carries these; they come from the stream as Kestrel's own does.
    public CipherAlgorithmType CipherAlgorithm => stream.CipherAlgorithm;

    public int CipherStrength => stream.CipherStrength;

    public HashAlgorithmType HashAlgorithm => stream.HashAlgorithm;

    public int HashStrength => stream.HashStrength;

    public ExchangeAlgorithmType KeyExchangeAlgorithm => stream.KeyExchangeAlgorithm;

    public int KeyExchangeStrength => stream.KeyExchangeStrength;
#pragma warning restore SYSLIB0058
}
