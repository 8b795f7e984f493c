namespace Mesh.Acme;

/// <summary>
/// Obtains a certificate for one hostname from the cluster's ACME CA (Mesh:Acme:Directory):
/// order, authorization with the first of <c>challengeTypes</c> the CA offers (falling back to
/// the next on an invalid authorization), finalize with a fresh key, download. badNonce is
/// retried inside; every other failure is an <see cref="AcmeException"/>.
/// </summary>
public interface IAcmeIssuer
{
    /// <summary>False when no directory is configured: certificates stay self-signed or imported.</summary>
    bool Enabled { get; }

    Task<AcmeIssueResult> IssueAsync(string hostname, IReadOnlyList<string> challengeTypes, IAcmeChallengePublisher publisher, CancellationToken cancellationToken);
}
