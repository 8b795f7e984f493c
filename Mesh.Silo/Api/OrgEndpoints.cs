using Mesh.Interfaces.Api;
using Mesh.Interfaces.Model;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace Mesh.Silo.Api;

/// <summary><c>/v1/orgs</c>: an org or deploy token sees only its own org; only the operator creates orgs.</summary>
internal static class OrgEndpoints
{
    public static void Map(IEndpointRouteBuilder v1)
    {
        v1.MapGet("/orgs", async Task<Ok<Page<OrgInfo>>> (HttpContext context, ApiGrains grains) =>
        {
            var caller = context.Caller();
            var orgs = caller.IsOperator
                ? [.. await grains.Orgs.List()]
                : (await grains.Orgs.Get(caller.Org!) is { } own ? [own] : new List<OrgInfo>());
            return TypedResults.Ok(Paging.Take(orgs, o => o.Name, PageRequest.From(context.Request)));
        });

        v1.MapPost("/orgs", async Task<Created<OrgInfo>> (CreateOrgRequest? body, HttpContext context, ApiGrains grains) =>
        {
            ApiGrains.Require(context.Caller(), ApiAction.CreateOrg);
            var name = RequestBody.Required(RequestBody.Present(body).Name, "name");
            context.SetAuditTarget(name);
            context.SetAuditOrg(name);
            var org = await grains.Orgs.Create(name);
            return TypedResults.Created($"/v1/orgs/{org.Name}", org);
        }).Audited("org.create");
    }
}
