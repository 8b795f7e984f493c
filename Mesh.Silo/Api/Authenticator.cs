using Mesh.Interfaces;
using Mesh.Security;
using Microsoft.AspNetCore.Http;

namespace Mesh.Silo.Api;

/// <summary>
/// Reads the bearer token of a request. Org and deploy tokens are checked against their token
/// grain on every request, not cached: the grain has one activation in the cluster, so a
/// revocation made through any silo is seen by the very next request on every silo, for one
/// grain call (~0.1-0.3 ms).
/// </summary>
internal sealed class Authenticator(IGrainFactory grains, OperatorCredential operatorCredential)
{
    private const string Scheme = "Bearer ";

    public async Task<Caller> AuthenticateAsync(HttpRequest request)
    {
        var header = request.Headers.Authorization.ToString();
        if (!header.StartsWith(Scheme, StringComparison.OrdinalIgnoreCase) || header.Length == Scheme.Length)
        {
            throw ApiRefusal.MissingToken();
        }
        if (!ApiToken.TryParse(header[Scheme.Length..].Trim(), out var token))
        {
            throw ApiRefusal.InvalidToken(null);
        }
        if (token.Kind == ApiTokenKind.Operator)
        {
            return operatorCredential.Matches(token) ? Caller.Operator(token.Id) : throw ApiRefusal.InvalidToken(token.Id);
        }
        var grant = await grains.GetGrain<ITokenGrain>(token.Id).Authenticate(token.Hash());
        if (grant is null || grant.Kind != token.Kind)
        {
            throw ApiRefusal.InvalidToken(token.Id);
        }
        return new Caller(grant.Id, grant.Kind, grant.Org, grant.App, grant.AppCreatedAt);
    }
}
