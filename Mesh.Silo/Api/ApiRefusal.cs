namespace Mesh.Silo.Api;

/// <summary>
/// A request refused for who made it (401, 403, or 404 for something outside the token's scope).
/// Counted and logged; the answer is a problem like any other, and a 404 is the very one a
/// missing app or instance gets.
/// </summary>
internal sealed class ApiRefusal(int status, string code, string message, string tokenId, string? challenge = null) : Exception(message)
{
    public int Status { get; } = status;
    public string Code { get; } = code;
    /// <summary>The token id, or "none" without one: never the token.</summary>
    public string TokenId { get; } = tokenId;
    /// <summary>The WWW-Authenticate value of a 401.</summary>
    public string? Challenge { get; } = challenge;

    public static ApiRefusal MissingToken() =>
        new(401, "unauthorized", "missing bearer token: send Authorization: Bearer TOKEN", "none", "Bearer realm=\"mesh\"");

    public static ApiRefusal InvalidToken(string? tokenId) =>
        new(401, "invalid_token", "the token is unknown, revoked or expired", tokenId ?? "malformed",
            "Bearer realm=\"mesh\", error=\"invalid_token\"");

    public static ApiRefusal Forbidden(Caller caller, string message) => new(403, "forbidden", message, caller.TokenId);

    /// <summary>Something outside the caller's scope, answered exactly as if it did not exist.</summary>
    public static ApiRefusal Hidden(Caller caller, string code, string message) => new(404, code, message, caller.TokenId);
}
