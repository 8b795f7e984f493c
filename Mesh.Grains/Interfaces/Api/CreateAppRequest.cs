namespace Mesh.Interfaces.Api;

/// <summary><c>POST /v1/apps</c>: <c>org</c> defaults to the token's org (<c>personal</c> for the operator).</summary>
public sealed record CreateAppRequest(string Name, string? Org = null);
