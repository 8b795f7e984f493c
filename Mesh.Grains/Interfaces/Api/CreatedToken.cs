using Mesh.Security;

namespace Mesh.Interfaces.Api;

/// <summary>The answer to <c>POST /v1/tokens</c>: the only time the token text is shown.</summary>
public sealed record CreatedToken(
    string Id,
    string Token,
    ApiTokenKind Kind,
    string Org,
    string? App,
    string? Name,
    DateTimeOffset CreatedAt,
    DateTimeOffset? ExpiresAt);
