using System.Net.Security;
using System.Security.Cryptography.X509Certificates;

namespace Mesh.Acme;

/// <summary>
/// The HTTP client the ACME client speaks through. With extra trusted roots
/// (Mesh:Acme:TrustedRoots, a test CA) a server certificate the system does not trust is
/// accepted when its chain builds to one of them; a name mismatch is never accepted.
/// </summary>
internal static class AcmeHttp
{
    // A CA that does not accept a connection within this is as good as down for this attempt; the caller retries later.
    private static readonly TimeSpan ConnectTimeout = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(30);

    public static HttpClient CreateClient(X509Certificate2Collection trustedRoots)
    {
        var handler = new SocketsHttpHandler
        {
            ConnectTimeout = ConnectTimeout,
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
        };
        if (trustedRoots.Count > 0)
        {
            handler.SslOptions.RemoteCertificateValidationCallback = (_, certificate, chain, errors) => Validate(trustedRoots, certificate, chain, errors);
        }
        var http = new HttpClient(handler) { Timeout = RequestTimeout };
        http.DefaultRequestHeaders.UserAgent.ParseAdd("mesh-acme/1");
        return http;
    }

    internal static bool Validate(X509Certificate2Collection roots, X509Certificate? certificate, X509Chain? presented, SslPolicyErrors errors)
    {
        if (errors == SslPolicyErrors.None) return true;
        if (errors != SslPolicyErrors.RemoteCertificateChainErrors || certificate is null) return false;
        var leaf = certificate as X509Certificate2 ?? X509CertificateLoader.LoadCertificate(certificate.GetRawCertData());
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(roots);
        // Test CAs publish no revocation information.
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        if (presented is not null)
        {
            foreach (var element in presented.ChainElements)
            {
                if (!element.Certificate.RawDataMemory.Span.SequenceEqual(leaf.RawDataMemory.Span)) chain.ChainPolicy.ExtraStore.Add(element.Certificate);
            }
        }
        return chain.Build(leaf);
    }
}
