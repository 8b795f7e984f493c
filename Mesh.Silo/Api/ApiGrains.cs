using Mesh.Domain;
using Mesh.Interfaces;
using Mesh.Interfaces.Model;
using Microsoft.AspNetCore.Http;

namespace Mesh.Silo.Api;

/// <summary>
/// Finds apps, instances and orgs for a caller. Whatever lies outside the caller's scope is
/// answered exactly as a missing one (existence never leaks); an action the scope forbids on
/// something the caller can see is a 403.
/// </summary>
internal sealed class ApiGrains(IGrainFactory grains)
{
    public IGrainFactory Factory => grains;

    public IAppGrain App(string name) => grains.GetGrain<IAppGrain>(name);

    public IAppCatalogGrain Catalog => grains.GetGrain<IAppCatalogGrain>(IAppCatalogGrain.Global);

    public IOrgRegistryGrain Orgs => grains.GetGrain<IOrgRegistryGrain>(IOrgRegistryGrain.Global);

    /// <summary>The app for the action, or a 404/403 refusal.</summary>
    public async Task<AppInfo> AppAsync(HttpContext context, string app, ApiAction action)
    {
        var caller = context.Caller();
        var info = await App(app).GetInfo() ?? throw AppNotFound(app);
        if (!Scopes.CanSee(caller, info))
        {
            throw ApiRefusal.Hidden(caller, "app_not_found", AppNotFound(app).Message);
        }
        context.SetAuditOrg(info.Org);
        Require(caller, action);
        return info;
    }

    /// <summary>The instance for the action, checked through its app's org.</summary>
    public async Task<InstanceInfo> InstanceAsync(HttpContext context, string id, ApiAction action)
    {
        var caller = context.Caller();
        var info = await grains.GetGrain<IInstanceGrain>(id).GetInfo() ?? throw InstanceNotFound(id);
        var app = await App(info.App).GetInfo();
        if (app is null || !Scopes.CanSee(caller, app))
        {
            throw ApiRefusal.Hidden(caller, "instance_not_found", InstanceNotFound(id).Message);
        }
        context.SetAuditOrg(app.Org);
        Require(caller, action);
        return info;
    }

    /// <summary>
    /// The org a list or create acts in: the one asked for (the operator's default is
    /// <paramref name="operatorDefault"/>), which for an org token must be its own; another org
    /// does not exist for it.
    /// </summary>
    public string? OrgFor(HttpContext context, string? requested, ApiAction action, string? operatorDefault)
    {
        var caller = context.Caller();
        Require(caller, action);
        if (caller.IsOperator)
        {
            return requested is { Length: > 0 } ? requested : operatorDefault;
        }
        if (requested is { Length: > 0 } && requested != caller.Org)
        {
            throw ApiRefusal.Hidden(caller, "org_not_found", OrgNotFound(requested).Message);
        }
        return caller.Org;
    }

    public static void Require(Caller caller, ApiAction action)
    {
        if (!Scopes.Allows(caller.Kind, action))
        {
            throw ApiRefusal.Forbidden(caller, Scopes.Refusal(caller.Kind, action));
        }
    }

    public static MeshException AppNotFound(string app) => new("app_not_found", $"app '{app}' not found");

    public static MeshException InstanceNotFound(string id) => new("instance_not_found", $"instance '{id}' not found");

    public static MeshException OrgNotFound(string org) => new("org_not_found", $"org '{org}' not found");
}
