namespace Mesh.Cli.Api.Model;

/// <summary>A token as <c>GET /v1/tokens</c> lists it: never its text or hash.</summary>
internal sealed record TokenInfo(string Id, string Kind, string? Org, string? App, string? Name, DateTimeOffset CreatedAt, DateTimeOffset? ExpiresAt, bool Revoked);
