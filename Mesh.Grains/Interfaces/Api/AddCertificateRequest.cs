namespace Mesh.Interfaces.Api;

/// <summary>
/// <c>POST /v1/apps/{app}/certs</c>: a PEM pair, or neither for a self-signed certificate (an ACME
/// one once ownership is shown, when the cluster has a CA). <see cref="SkipOwnershipCheck"/> is the
/// operator's override: the hostname routes at once; any other token gets a 403 for it.
/// </summary>
public sealed record AddCertificateRequest(string Hostname, string? CertificatePem = null, string? KeyPem = null, bool SkipOwnershipCheck = false);
