using System.Security.Cryptography.X509Certificates;

namespace Mesh.Security;

/// <summary>
/// Who may talk to whom inside the cluster: a peer certificate is accepted only when it chains to
/// one of the cluster CAs (custom root trust: the system's roots count for nothing) and carries an
/// allowed role. Several CAs in <c>ca.pem</c> are trusted at once, which is how a CA is rotated.
/// </summary>
public sealed class ClusterTrust(X509Certificate2Collection roots)
{
    public X509Certificate2Collection Roots { get; } = roots;

    public static ClusterTrust FromPem(string caPem)
    {
        var roots = new X509Certificate2Collection();
        // A bundle made with `cat a.pem b.pem` of files without a final newline is still two certificates.
        roots.ImportFromPem(caPem.Replace("----------", "-----\n-----", StringComparison.Ordinal));
        return new ClusterTrust(roots);
    }

    /// <summary>Why the certificate is refused, or null when it is accepted. Never throws.</summary>
    public string? Refusal(X509Certificate2? certificate, IReadOnlyCollection<NodeRole> allowed, DateTimeOffset? at = null)
    {
        if (certificate is null) return "no certificate";
        if (Roots.Count == 0) return "no cluster CA to check against";
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(Roots);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.DisableCertificateDownloads = true;
        if (at is not null) chain.ChainPolicy.VerificationTime = at.Value.UtcDateTime;
        if (!chain.Build(certificate))
        {
            var status = chain.ChainStatus.Select(s => s.Status.ToString()).Distinct();
            return $"does not chain to the cluster CA ({string.Join(", ", status)})";
        }
        var elements = chain.ChainElements;
        var length = elements.Count;
        foreach (var element in elements) element.Certificate.Dispose();
        // A certificate that is itself one of the roots (the CA) is not a node.
        if (length < 2) return "is a CA certificate, not a node certificate";
        var role = NodeRoles.Of(certificate);
        if (role is null) return "carries no mesh role";
        return allowed.Contains(role.Value) ? null : $"has role {NodeRoles.Text(role.Value)}, not {string.Join(" or ", allowed.Select(NodeRoles.Text))}";
    }
}
