using Mesh.Domain.Apps;
using Mesh.Interfaces.Api;
using Mesh.Interfaces.Model;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace Mesh.Silo.Api;

/// <summary><c>/v1/apps</c> and <c>/v1/apps/{app}</c>: list, create, get, deploy, destroy, config.</summary>
internal static class AppEndpoints
{
    public static void Map(IEndpointRouteBuilder v1)
    {
        v1.MapGet("/apps", async Task<Ok<Page<AppInfo>>> (string? org, HttpContext context, ApiGrains grains) =>
        {
            var scope = grains.OrgFor(context, org, ApiAction.ListApps, operatorDefault: null);
            var apps = await grains.Catalog.List(scope);
            return TypedResults.Ok(await Paging.TakeAsync(apps, a => a.Name, PageRequest.From(context.Request), a => grains.App(a.Name).InfoForListAsync()));
        });

        v1.MapPost("/apps", async Task<Created<AppInfo>> (CreateAppRequest? body, HttpContext context, ApiGrains grains) =>
        {
            var request = RequestBody.Present(body);
            var name = RequestBody.Required(request.Name, "name");
            context.SetAuditTarget(name);
            var org = grains.OrgFor(context, request.Org, ApiAction.CreateApp, AppNames.DefaultOrg)!;
            context.SetAuditOrg(org);
            if (context.Caller().IsOperator)
            {
                // The operator may create an app in a new org: the org comes into being with it.
                await grains.Orgs.Ensure(org);
            }
            var app = await grains.App(name).Create(org);
            return TypedResults.Created($"/v1/apps/{app.Name}", app);
        }).Audited("app.create");

        v1.MapGet("/apps/{app}", async Task<Ok<AppInfo>> (string app, HttpContext context, ApiGrains grains) =>
            TypedResults.Ok(await grains.AppAsync(context, app, ApiAction.ReadApp)));

        v1.MapPut("/apps/{app}", async Task<Ok<DeployResult>> (string app, HttpContext context, ApiGrains grains) =>
        {
            await grains.AppAsync(context, app, ApiAction.Deploy);
            var flyToml = await RequestBody.TextAsync(context.Request);
            return TypedResults.Ok(await grains.App(app).Deploy(flyToml));
        }).Accepts<string>("application/toml", "text/plain").Audited("app.deploy");

        v1.MapDelete("/apps/{app}", async Task<NoContent> (string app, HttpContext context, ApiGrains grains) =>
        {
            await grains.AppAsync(context, app, ApiAction.DestroyApp);
            await grains.App(app).Destroy();
            return TypedResults.NoContent();
        }).Audited("app.destroy");

        v1.MapGet("/apps/{app}/config", async Task<IResult> (string app, HttpContext context, ApiGrains grains) =>
        {
            await grains.AppAsync(context, app, ApiAction.ReadApp);
            var text = await grains.App(app).GetConfigText()
                ?? throw new Mesh.Domain.MeshException("config_not_found", $"app '{app}' has not been deployed yet");
            return TypedResults.Text(text, "application/toml");
        }).Produces<string>(200, "application/toml");
    }
}
