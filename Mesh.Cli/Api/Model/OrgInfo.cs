namespace Mesh.Cli.Api.Model;

/// <summary>An org as <c>GET /v1/orgs</c> lists it.</summary>
internal sealed record OrgInfo(string Name, DateTimeOffset CreatedAt);
