using Mesh.Domain;
using Mesh.Domain.Apps;
using Mesh.Domain.Tokens;
using Mesh.Interfaces;
using Mesh.Interfaces.Api;
using Mesh.Interfaces.Model;
using Mesh.Security;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace Mesh.Silo.Api;

/// <summary><c>/v1/tokens</c>: org and deploy tokens, made and revoked by the operator or an org token of the same org.</summary>
internal static class TokenEndpoints
{
    private const int MaxNameLength = 100;

    public static void Map(IEndpointRouteBuilder v1)
    {
        v1.MapGet("/tokens", async Task<Ok<Page<TokenInfo>>> (string? org, HttpContext context, ApiGrains grains) =>
        {
            var scope = grains.OrgFor(context, org, ApiAction.ListTokens, operatorDefault: null);
            var orgs = scope is not null ? [scope] : (await grains.Orgs.List()).Select(o => o.Name).ToList();
            var ids = (await Task.WhenAll(orgs.Select(o => grains.Factory.GetGrain<ITokenIndexGrain>(o).List()))).SelectMany(i => i);
            return TypedResults.Ok(await Paging.TakeAsync(ids, id => id, PageRequest.From(context.Request),
                id => grains.Factory.GetGrain<ITokenGrain>(id).GetInfo()));
        });

        v1.MapPost("/tokens", async Task<Created<CreatedToken>> (CreateTokenRequest? body, HttpContext context, ApiGrains grains, TimeProvider time) =>
        {
            var request = body ?? new CreateTokenRequest();
            var caller = context.Caller();
            ApiGrains.Require(caller, ApiAction.CreateToken);
            if (request.Name is { } name && (name.Length > MaxNameLength || name.Any(char.IsControl)))
            {
                throw new MeshException("invalid_name", $"name: at most {MaxNameLength} characters on one line");
            }
            var expiresAt = request.Expiry is { Length: > 0 } expiry ? time.GetUtcNow() + TokenExpiry.Parse(expiry) : (DateTimeOffset?)null;

            TokenIssue issue;
            ApiToken token;
            if (request.App is { Length: > 0 } appName)
            {
                var app = await grains.AppAsync(context, appName, ApiAction.CreateToken);
                if (request.Org is { Length: > 0 } org && org != app.Org)
                {
                    throw new MeshException("invalid_request", $"org: app '{app.Name}' is in org '{app.Org}', not '{org}'");
                }
                token = ApiToken.New(ApiTokenKind.App);
                issue = new TokenIssue(ApiTokenKind.App, app.Org, app.Name, app.CreatedAt, request.Name, token.Hash(), expiresAt);
            }
            else
            {
                var org = grains.OrgFor(context, request.Org, ApiAction.CreateToken, AppNames.DefaultOrg)!;
                context.SetAuditOrg(org);
                if (await grains.Orgs.Get(org) is null)
                {
                    throw ApiGrains.OrgNotFound(org);
                }
                token = ApiToken.New(ApiTokenKind.Org);
                issue = new TokenIssue(ApiTokenKind.Org, org, null, null, request.Name, token.Hash(), expiresAt);
            }
            context.SetAuditTarget(token.Id);
            var info = await grains.Factory.GetGrain<ITokenGrain>(token.Id).Issue(issue);
            return TypedResults.Created($"/v1/tokens/{info.Id}",
                new CreatedToken(info.Id, token.Text, info.Kind, info.Org, info.App, info.Name, info.CreatedAt, info.ExpiresAt));
        }).Audited("token.create");

        v1.MapDelete("/tokens/{id}", async Task<NoContent> (string id, HttpContext context, ApiGrains grains) =>
        {
            var caller = context.Caller();
            ApiGrains.Require(caller, ApiAction.RevokeToken);
            var grain = grains.Factory.GetGrain<ITokenGrain>(id);
            var info = await grain.GetInfo() ?? throw TokenNotFound(id);
            if (!caller.IsOperator && info.Org != caller.Org)
            {
                throw ApiRefusal.Hidden(caller, "token_not_found", TokenNotFound(id).Message);
            }
            context.SetAuditOrg(info.Org);
            await grain.Revoke();
            return TypedResults.NoContent();
        }).Audited("token.revoke");
    }

    private static MeshException TokenNotFound(string id) => new("token_not_found", $"token '{id}' not found");
}
