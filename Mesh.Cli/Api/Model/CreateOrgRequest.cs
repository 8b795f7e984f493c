namespace Mesh.Cli.Api.Model;

/// <summary><c>POST /v1/orgs</c>.</summary>
internal sealed record CreateOrgRequest(string Name);
