using System.Text.Json.Serialization;

namespace Mesh.Cli.Api.Model;

/// <summary><c>POST /v1/apps/{app}/certs</c>; without the PEM pair the platform makes a self-signed certificate.</summary>
internal sealed record AddCertificateRequest(
    string Hostname,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? CertificatePem,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? KeyPem);
