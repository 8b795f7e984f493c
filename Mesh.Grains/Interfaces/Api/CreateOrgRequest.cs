namespace Mesh.Interfaces.Api;

/// <summary><c>POST /v1/orgs</c>.</summary>
public sealed record CreateOrgRequest(string Name);
