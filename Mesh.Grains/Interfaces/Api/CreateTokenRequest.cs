namespace Mesh.Interfaces.Api;

/// <summary>
/// <c>POST /v1/tokens</c>: <c>app</c> makes a deploy token for that app, else an org token for
/// <c>org</c> (default: the caller's org, <c>personal</c> for the operator). <c>expiry</c> is a
/// Go duration ("720h"); none means the token does not expire.
/// </summary>
public sealed record CreateTokenRequest(string? Org = null, string? App = null, string? Name = null, string? Expiry = null);
