namespace Mesh.Domain.Certificates;

/// <summary>
/// <c>Mesh:Acme</c> keys the ownership check reads (the ACME client reads the directory, email
/// and trusted roots from the same section).
/// </summary>
public sealed class CertificateOwnershipOptions
{
    public const string Section = "Mesh:Acme";

    /// <summary><c>host:port</c> of the DNS server ownership checks ask (default: the system's resolvers).</summary>
    public string? Resolver { get; set; }

    /// <summary>When set, a CNAME from the hostname to <c>APP.&lt;AppDomain&gt;</c> shows ownership too (and is the record <c>certs add</c> suggests).</summary>
    public string? AppDomain { get; set; }
}
