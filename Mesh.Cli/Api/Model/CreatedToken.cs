namespace Mesh.Cli.Api.Model;

/// <summary>The answer to <c>POST /v1/tokens</c>: the only time the token's text is shown.</summary>
internal sealed record CreatedToken(string Id, string Token, string Kind, string? Org, string? App, string? Name, DateTimeOffset CreatedAt, DateTimeOffset? ExpiresAt)
{
    /// <summary>Never the token: a record printed by mistake leaks nothing.</summary>
    public override string ToString() => $"token {Id}";
}
