namespace Mesh.Interfaces.Api;

/// <summary><c>POST /v1/apps/{app}/certs</c>: a PEM pair, or neither for a self-signed certificate.</summary>
public sealed record AddCertificateRequest(string Hostname, string? CertificatePem = null, string? KeyPem = null);
