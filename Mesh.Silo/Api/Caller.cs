using Mesh.Security;

namespace Mesh.Silo.Api;

/// <summary>Who made a request: the operator, or an org or deploy token with its scope.</summary>
internal sealed record Caller(string TokenId, ApiTokenKind Kind, string? Org, string? App, DateTimeOffset? AppCreatedAt)
{
    public bool IsOperator => Kind == ApiTokenKind.Operator;

    /// <summary>How audit lines name the caller: <c>operator</c>, else the token id.</summary>
    public string AuditName => IsOperator ? "operator" : TokenId;

    public static Caller Operator(string tokenId) => new(tokenId, ApiTokenKind.Operator, null, null, null);
}
