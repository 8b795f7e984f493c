using Mesh.Interfaces.Model;
using Orleans.Concurrency;

namespace Mesh.Interfaces;

/// <summary>
/// One org or deploy token, keyed by its id. It holds only the hash of the token text. One
/// activation in the cluster answers every silo, so a revocation is seen by the next check anywhere.
/// </summary>
[Alias("mesh.ITokenGrain")]
public interface ITokenGrain : IGrainWithStringKey
{
    /// <summary>Stores a new token and lists it in its org's index.</summary>
    [Alias("Issue")] Task<TokenInfo> Issue(TokenIssue issue);

    /// <summary>The grant when the hash matches a live (not revoked, not expired) token; else null.</summary>
    [ReadOnly, Alias("Authenticate")] Task<TokenGrant?> Authenticate(string hash);

    [ReadOnly, Alias("GetInfo")] Task<TokenInfo?> GetInfo();

    /// <summary>Revokes the token; fails with <c>token_not_found</c> when there is none.</summary>
    [Alias("Revoke")] Task<TokenInfo> Revoke();
}
