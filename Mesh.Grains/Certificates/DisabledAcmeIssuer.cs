using Mesh.Acme;

namespace Mesh.Certificates;

/// <summary>The issuer when no ACME directory is configured: certificates stay self-signed or imported.</summary>
internal sealed class DisabledAcmeIssuer : IAcmeIssuer
{
    public bool Enabled => false;

    public Task<AcmeIssueResult> IssueAsync(string hostname, IReadOnlyList<string> challengeTypes, IAcmeChallengePublisher publisher, CancellationToken cancellationToken) =>
        throw new AcmeException("disabled", "no ACME directory is configured (Mesh:Acme:Directory)");
}
