using Mesh.Security;

namespace Mesh.Interfaces.Model;

/// <summary>What a valid token grants: its kind and scope.</summary>
[GenerateSerializer, Immutable, Alias("mesh.TokenGrant")]
public sealed record TokenGrant(
    [property: Id(0)] string Id,
    [property: Id(1)] ApiTokenKind Kind,
    [property: Id(2)] string Org,
    [property: Id(3)] string? App,
    [property: Id(4)] DateTimeOffset? AppCreatedAt);
