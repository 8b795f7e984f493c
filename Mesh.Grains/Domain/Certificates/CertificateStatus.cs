namespace Mesh.Domain.Certificates;

/// <summary>Where a hostname's certificate is in its lifecycle (what <c>mesh certs show</c> prints).</summary>
public static class CertificateStatus
{
    /// <summary>Ownership not shown yet: DNS does not point at the app; no order is placed.</summary>
    public const string AwaitingDns = "awaiting_dns";
    /// <summary>Ownership shown; the certificate is being obtained.</summary>
    public const string Pending = "pending";
    public const string Ready = "ready";
    /// <summary>A ready certificate is being replaced; the old one keeps serving.</summary>
    public const string Renewing = "renewing";
    /// <summary>Obtaining the first certificate failed; retried at next_attempt.</summary>
    public const string Failed = "failed";
}
