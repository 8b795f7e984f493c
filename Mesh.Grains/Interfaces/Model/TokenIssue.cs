using Mesh.Security;

namespace Mesh.Interfaces.Model;

/// <summary>
/// What a new org or deploy token is stored as: its hash, never its text. A deploy token also
/// records when its app was created, so it dies with the app (a later app of the same name is
/// another app).
/// </summary>
[GenerateSerializer, Immutable, Alias("mesh.TokenIssue")]
public sealed record TokenIssue(
    [property: Id(0)] ApiTokenKind Kind,
    [property: Id(1)] string Org,
    [property: Id(2)] string? App,
    [property: Id(3)] DateTimeOffset? AppCreatedAt,
    [property: Id(4)] string? Name,
    [property: Id(5)] string Hash,
    [property: Id(6)] DateTimeOffset? ExpiresAt);
