namespace Mesh.Silo.Api;

/// <summary>Endpoint metadata: the audit verb of a mutating endpoint, so a call refused before it runs is audited too.</summary>
internal sealed record AuditAction(string Name);
