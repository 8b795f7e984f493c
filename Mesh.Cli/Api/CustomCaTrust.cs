using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using Mesh.Domain;

namespace Mesh.Cli.Api;

/// <summary>
/// <c>--ca FILE</c>: the API's certificate must chain to one of these roots (e.g. the cluster
/// CA) and name the host; the system's roots are not consulted. Remembers why it refused, so the
/// error says more than "the SSL connection could not be established".
/// </summary>
internal sealed class CustomCaTrust(X509Certificate2Collection roots)
{
    public string? LastProblem { get; private set; }

    public static CustomCaTrust FromPemFile(string path, string source)
    {
        var roots = new X509Certificate2Collection();
        try
        {
            roots.ImportFromPemFile(path);
        }
        catch (Exception e) when (e is System.Security.Cryptography.CryptographicException or IOException or UnauthorizedAccessException)
        {
            throw new MeshException("ca_invalid", $"{source}: cannot read '{path}' as PEM certificates ({e.Message.Split('\n')[0].Trim()})");
        }
        return roots.Count > 0 ? new CustomCaTrust(roots) : throw new MeshException("ca_invalid", $"{source}: '{path}' holds no PEM certificate");
    }

    public bool Validate(System.Security.Cryptography.X509Certificates.X509Certificate? certificate, X509Chain? presented, SslPolicyErrors errors)
    {
        if (certificate is null)
        {
            LastProblem = "the API presented no certificate";
            return false;
        }
        if (errors.HasFlag(SslPolicyErrors.RemoteCertificateNameMismatch))
        {
            LastProblem = "the API's certificate does not name the host in the URL";
            return false;
        }
        using var leaf = X509CertificateLoader.LoadCertificate(certificate.GetRawCertData());
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(roots);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        if (presented is not null)
        {
            foreach (var element in presented.ChainElements) chain.ChainPolicy.ExtraStore.Add(element.Certificate);
        }
        if (chain.Build(leaf)) return true;
        var status = chain.ChainStatus.Select(s => s.StatusInformation.Trim()).FirstOrDefault(s => s.Length > 0) ?? "untrusted";
        LastProblem = $"the API's certificate does not chain to the --ca roots ({status})";
        return false;
    }
}
