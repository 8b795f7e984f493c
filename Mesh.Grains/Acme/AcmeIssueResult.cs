namespace Mesh.Acme;

/// <summary>A certificate the CA issued: the chain (leaf first) and its fresh P-256 key, and the challenge type that validated it.</summary>
public sealed record AcmeIssueResult(string ChainPem, string KeyPem, string ChallengeType);
