using Mesh.Security;

namespace Mesh.Interfaces.Model;

/// <summary>What a token list shows of a token: never its text or its hash.</summary>
[GenerateSerializer, Immutable, Alias("mesh.TokenInfo")]
public sealed record TokenInfo(
    [property: Id(0)] string Id,
    [property: Id(1)] ApiTokenKind Kind,
    [property: Id(2)] string Org,
    [property: Id(3)] string? App,
    [property: Id(4)] string? Name,
    [property: Id(5)] DateTimeOffset CreatedAt,
    [property: Id(6)] DateTimeOffset? ExpiresAt,
    [property: Id(7)] bool Revoked);
