namespace Mesh.Acme;

/// <summary>The issuer when Mesh:Acme:Directory is unset: certificates stay self-signed or imported.</summary>
internal sealed class DisabledAcmeIssuer : IAcmeIssuer
{
    public bool Enabled => false;

    public Task<AcmeIssueResult> IssueAsync(string hostname, IReadOnlyList<string> challengeTypes, IAcmeChallengePublisher publisher, CancellationToken cancellationToken) =>
        throw new AcmeException(AcmeProblem.Disabled, "no ACME CA is configured (Mesh:Acme:Directory)");
}
